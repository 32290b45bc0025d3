import { RemovalPolicy, SecretValue } from "aws-cdk-lib";
import { AccessKey, PolicyStatement, User } from "aws-cdk-lib/aws-iam";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { acknowledgeFinding, objectWildcardFinding } from "./nag-findings.ts";

export interface PresignCredentialsProps {
  /** The bucket whose results the links point at. */
  readonly bucket: IBucket;
  /** Key prefix the links may read, e.g. "results/". */
  readonly prefix: string;
  /**
   * Bump to issue a new access key (CloudFormation replaces the old one). Keep the previous key's links in
   * mind: they stop working when it is deleted.
   * @default 1
   */
  readonly keySerial?: number;
}

/**
 * Long-lived credentials for presigning result links.
 *
 * A link signed with a task role's temporary credentials dies when those credentials expire (hours), so a
 * "valid for 7 days" link would be a lie. Instead a dedicated IAM user, allowed nothing but s3:GetObject on
 * the results prefix, has an access key kept in Secrets Manager as `{ AccessKey, Secret }`; the worker signs
 * links with it for up to 7 days (the SigV4 limit).
 */
/** SigV4's 7-day limit on presigned links, in milliseconds (the unit of s3:signatureAge). */
export const MAX_SIGNATURE_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export class PresignCredentials extends Construct {
  public readonly user: User;
  public readonly secret: Secret;
  /** JSON field names in the secret. */
  public static readonly ACCESS_KEY_FIELD = "AccessKey";
  public static readonly SECRET_KEY_FIELD = "Secret";

  constructor(scope: Construct, id: string, props: PresignCredentialsProps) {
    super(scope, id);
    this.user = new User(this, "User");
    this.user.addToPolicy(
      new PolicyStatement({
        actions: ["s3:GetObject"],
        resources: [props.bucket.arnForObjects(`${props.prefix}*`)],
        // The key can only sign links (query-string auth), never call S3 directly, and a link older than the
        // SigV4 maximum of 7 days is refused even if the signer asked for longer.
        conditions: {
          StringEquals: { "s3:authType": "REST-QUERY-STRING" },
          NumericLessThanEquals: { "s3:signatureAge": MAX_SIGNATURE_AGE_MS },
        },
      }),
    );
    const accessKey = new AccessKey(this, "AccessKey", { user: this.user, serial: props.keySerial ?? 1 });
    this.secret = new Secret(this, "Secret", {
      description: "Access key of the IAM user that presigns Emotions Harmonizer result links",
      secretObjectValue: {
        [PresignCredentials.ACCESS_KEY_FIELD]: SecretValue.unsafePlainText(accessKey.accessKeyId),
        [PresignCredentials.SECRET_KEY_FIELD]: accessKey.secretAccessKey,
      },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    acknowledgeFinding(
      this.user,
      objectWildcardFinding(props.bucket, props.prefix),
      "The signer may read any result (each job has its own folder) and nothing else: s3:GetObject on the results prefix only.",
    );
    acknowledgeFinding(
      this.secret,
      "AwsSolutions-SMG4",
      "Automatic rotation would break every result link already emailed (links live up to 7 days). " +
        "Rotate deliberately by bumping keySerial, which replaces the key on the next deploy.",
    );
  }
}
