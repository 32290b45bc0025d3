import { Duration } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  Metric,
  TreatMissingData,
  type IMetric,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IBaseService, ICluster } from "aws-cdk-lib/aws-ecs";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface PipelineMonitoringProps {
  /** Alarm notifications go here (the owner's email topic). */
  readonly topic: ITopic;
  readonly jobQueue: IQueue;
  readonly deadLetterQueue: IQueue;
  /** Receives before a job moves to the dead-letter queue (the job queue's redrive policy), for the alarm's text. */
  readonly maxReceiveCount: number;
  readonly validator: IFunction;
  /** Events the validator could not handle after Lambda's retries. */
  readonly validatorFailedEvents: IQueue;
  readonly cluster: ICluster;
  readonly service: IBaseService;
  /**
   * A job waiting longer than this raises an alarm (no GPU capacity, or workers failing to start).
   * @default Duration.hours(1)
   */
  readonly maxJobWait?: Duration;
  /**
   * @default "EmotionsHarmonizer"
   */
  readonly dashboardName?: string;
}

/** Alarms that email the owner when jobs fail or stall, and a dashboard of the pipeline. */
export class PipelineMonitoring extends Construct {
  public readonly failedJobsAlarm: Alarm;
  public readonly stalledJobsAlarm: Alarm;
  public readonly failedValidationsAlarm: Alarm;
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PipelineMonitoringProps) {
    super(scope, id);
    const maxJobWait = props.maxJobWait ?? Duration.hours(1);
    const alarmAction = new SnsAction(props.topic);
    const everyMinute = { period: Duration.minutes(1), statistic: "Maximum" };

    const failedJobs = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible(everyMinute);
    // One alarm per failed job, not per queue depth: the workers move each failed job to the dead-letter queue
    // themselves (a send, which this metric counts; the redrive policy's moves are not counted), so the alarm
    // fires in the minute a job fails and is OK again the next, ready for the next failure.
    const jobsDeadLettered = props.deadLetterQueue.metricNumberOfMessagesSent({
      period: Duration.minutes(1),
      statistic: "Sum",
    });
    this.failedJobsAlarm = new Alarm(this, "FailedJobs", {
      alarmDescription: `An extension job failed ${timesText(props.maxReceiveCount)} and is in the dead-letter queue.`,
      metric: jobsDeadLettered,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const oldestJobAge = props.jobQueue.metricApproximateAgeOfOldestMessage({
      period: Duration.minutes(5),
      statistic: "Maximum",
    });
    this.stalledJobsAlarm = new Alarm(this, "StalledJobs", {
      alarmDescription: `An extension job has waited more than ${maxJobWait.toHumanString()} in the queue.`,
      metric: oldestJobAge,
      threshold: maxJobWait.toSeconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const failedValidations = props.validatorFailedEvents.metricApproximateNumberOfMessagesVisible(everyMinute);
    this.failedValidationsAlarm = new Alarm(this, "FailedValidations", {
      alarmDescription: "The upload validator crashed on an upload (after retries); the event is kept for a look.",
      metric: failedValidations,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    const alarms = [this.failedJobsAlarm, this.stalledJobsAlarm, this.failedValidationsAlarm];
    for (const alarm of alarms) alarm.addAlarmAction(alarmAction);
    // enforceSSL's topic policy replaces SNS's default one, which was CloudWatch's only Allow: without this
    // statement the alarms fire but never reach anyone. Only these alarms may publish (confused deputy).
    props.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: "AllowThisStacksAlarms",
        principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [props.topic.topicArn],
        conditions: { ArnEquals: { "aws:SourceArn": alarms.map((alarm) => alarm.alarmArn) } },
      }),
    );

    this.dashboard = pipelineDashboard(this, props, failedJobs, failedValidations);
  }
}

/** One page for the pipeline: jobs waiting and running, failures, GPU tasks, the validator. */
function pipelineDashboard(
  scope: Construct,
  props: PipelineMonitoringProps,
  failedJobs: IMetric,
  failedValidations: IMetric,
): Dashboard {
  const everyMinute = { period: Duration.minutes(1), statistic: "Maximum" };
  const runningTasks: IMetric = new Metric({
    namespace: "ECS/ContainerInsights",
    metricName: "RunningTaskCount",
    dimensionsMap: { ClusterName: props.cluster.clusterName, ServiceName: props.service.serviceName },
    ...everyMinute,
  });
  const dashboard = new Dashboard(scope, "Dashboard", {
    dashboardName: props.dashboardName ?? "EmotionsHarmonizer",
    defaultInterval: Duration.days(1),
  });
  dashboard.addWidgets(
    new GraphWidget({
      title: "Jobs waiting / in progress",
      left: [
        props.jobQueue.metricApproximateNumberOfMessagesVisible(everyMinute),
        props.jobQueue.metricApproximateNumberOfMessagesNotVisible(everyMinute),
      ],
    }),
    new GraphWidget({ title: "Failed jobs (dead-letter queue)", left: [failedJobs] }),
    new GraphWidget({ title: "Running GPU tasks", left: [runningTasks] }),
    new GraphWidget({
      title: "Upload validator",
      left: [props.validator.metricInvocations(), props.validator.metricErrors()],
      right: [failedValidations],
    }),
  );
  return dashboard;
}

const timesText = (count: number): string => (count === 1 ? "once" : `${count} times`);
