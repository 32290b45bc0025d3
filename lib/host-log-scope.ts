import { Aspects, type IAspect, Stack } from "aws-cdk-lib";
import { CfnPolicy, type IRole, PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { ILogGroup } from "aws-cdk-lib/aws-logs";
import type { IConstruct } from "constructs";

const LOG_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"];

interface Statement {
  Action?: string | string[];
  Resource?: unknown;
  [key: string]: unknown;
}

/**
 * CDK's Cluster gives the ECS hosts' role logs:CreateLogStream and logs:PutLogEvents on every log group ("*",
 * the inline AmazonEC2ContainerServiceforEC2Role). Here the hosts may write only to the log groups of the tasks
 * placed on them (`allow`); the task execution roles hold the same rights on the same groups.
 */
export class HostLogScope implements IAspect {
  constructor(private readonly hostRole: IRole) {}

  static applyTo(scope: IConstruct, hostRole: IRole): HostLogScope {
    const scopeAspect = new HostLogScope(hostRole);
    Aspects.of(scope).add(scopeAspect);
    return scopeAspect;
  }

  /** The hosts may write the log streams of this group (its ARN ends in ":*", which covers its streams). */
  allow(logGroup: ILogGroup): void {
    this.hostRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: LOG_ACTIONS, resources: [logGroup.logGroupArn] }),
    );
  }

  visit(node: IConstruct): void {
    if (!(node instanceof CfnPolicy)) return;
    const roles = Stack.of(node).resolve(node.roles) as unknown[] | undefined;
    const mine = Stack.of(node).resolve(this.hostRole.roleName);
    if (!roles?.some((role) => JSON.stringify(role) === JSON.stringify(mine))) return;
    const document = Stack.of(node).resolve(node.policyDocument) as { Statement: Statement[]; Version?: string };
    const statements = document.Statement.flatMap((statement): Statement[] => {
      if (statement.Resource !== "*") return [statement];
      const actions = [statement.Action ?? []].flat().filter((action) => !LOG_ACTIONS.includes(action));
      if (actions.length === 0) return [];
      return [{ ...statement, Action: actions.length === 1 ? actions[0] : actions }];
    });
    node.policyDocument = { ...document, Statement: statements };
  }
}
