/** The stack's name: what `cdk deploy` creates and `npm run cloud:train` reads the outputs of. No CDK imports. */
export const STACK_NAME = "EmotionsHarmonizer";
