import { App, Validations, type AppProps } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { EmotionsHarmonizerStack } from "./emotions-harmonizer-stack.ts";
import { settingsFromContext } from "./settings.ts";
import { STACK_NAME } from "./stack-name.ts";

export { STACK_NAME };

/** The CDK app: settings from context, the one stack, and cdk-nag's AWS Solutions checks on everything. */
export function createHarmonizerApp(props: AppProps = {}): { app: App; stack: EmotionsHarmonizerStack } {
  const app = new App(props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const stack = new EmotionsHarmonizerStack(app, STACK_NAME, {
    settings: settingsFromContext(app),
    description: "Emotions Harmonizer: extends songs dropped into S3 on GPU workers and emails a link",
  });
  return { app, stack };
}
