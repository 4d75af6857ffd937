import { Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Effect, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { CfnConfigurationSet } from 'aws-cdk-lib/aws-smsvoice';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { type StageConfig, stagePrefix } from '../config';

export interface MessagingStackProps extends StackProps {
  readonly config: StageConfig;
}

/** What a function that sends notification messages is given: grants, and the names it sends with. */
export interface MessageSending {
  /** The address e-mail is sent from: `notifications@<stage mail domain>`. */
  readonly mailFrom: string;
  readonly emailConfigurationSetName: string;
  readonly smsConfigurationSetName: string;
  /** The secret (by name) the notification keys derive from: the VAPID key pair (Web Push), the link-signing key (invitations). */
  readonly notificationKeysSecretName: string;
  grantSendEmail(grantee: IGrantable): void;
  grantSendText(grantee: IGrantable): void;
  /** Reading the notification keys secret: to sign pushes and invitation links, or to tell browsers the public key. */
  grantReadNotificationKeys(grantee: IGrantable): void;
}

/**
 * How the platform reaches families and staff. E-mail: the stage's sending domain as an SES
 * identity (Easy DKIM), one configuration set that requires TLS, keeps the account-level
 * suppression list for bounces and complaints, publishes reputation metrics and sends every
 * sending event to EventBridge's default bus, where the notification workers read them. Text
 * messages: an End User Messaging SMS configuration set. Browser
 * notifications and invitation links: a generated secret from which the stage's VAPID key pair and link-signing key are derived (Secrets
 * Manager cannot generate an EC key). Senders get least-privilege grants through
 * `grantSendEmail`, `grantSendText` and `grantReadNotificationKeys`.
 */
export class MessagingStack extends Stack implements MessageSending {
  readonly mailFrom: string;
  readonly emailConfigurationSetName: string;
  readonly smsConfigurationSetName: string;
  readonly notificationKeysSecretName: string;
  readonly notificationKeysSecret: Secret;
  private readonly mailDomain: string;
  readonly configurationSet: ConfigurationSet;
  readonly identity: EmailIdentity;
  readonly smsConfigurationSet: CfnConfigurationSet;

  constructor(scope: Construct, id: string, props: MessagingStackProps) {
    super(scope, id, props);
    const { config } = props;
    const prefix = stagePrefix(config);
    this.mailDomain = config.messaging.mailDomain;
    this.mailFrom = `notifications@${this.mailDomain}`;
    this.emailConfigurationSetName = `${prefix}-notifications`;
    this.smsConfigurationSetName = `${prefix}-notifications`;

    this.configurationSet = new ConfigurationSet(this, 'Email', {
      configurationSetName: this.emailConfigurationSetName,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      reputationMetrics: true,
      sendingEnabled: true,
    });
    this.configurationSet.addEventDestination('ToEventBridge', {
      configurationSetEventDestinationName: 'eventbridge',
      // SES publishes to the default bus only.
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [
        EmailSendingEvent.SEND,
        EmailSendingEvent.DELIVERY,
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
        EmailSendingEvent.DELIVERY_DELAY,
        EmailSendingEvent.RENDERING_FAILURE,
      ],
    });
    this.identity = new EmailIdentity(this, 'Domain', {
      identity: Identity.domain(config.messaging.mailDomain),
      configurationSet: this.configurationSet,
    });

    // STOP replies join the opt-out list of the number that sent the text (each origination number
    // has the account's Default list unless given another), SendTextMessage refuses a number on
    // it, and the sender then records the number undeliverable. Delivery status events reach
    // EventBridge's default bus without a destination here (the batch stack's text-events rule).
    this.smsConfigurationSet = new CfnConfigurationSet(this, 'Sms', {
      configurationSetName: this.smsConfigurationSetName,
    });

    this.notificationKeysSecretName = `${prefix}/notifications/keys`;
    this.notificationKeysSecret = new Secret(this, 'NotificationKeys', {
      secretName: this.notificationKeysSecretName,
      description: "Seed of the stage's notification keys: the VAPID key pair (Web Push) and the invitation link key",
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'notification-keys' }),
        generateStringKey: 'password',
        passwordLength: 48,
        excludePunctuation: true,
      },
    });
    Validations.of(this.notificationKeysSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A new seed ends every browser subscription made with the old VAPID key (push services refuse it) and every invitation link not yet used: it is changed by hand, with people asked to allow notifications again, not on a schedule.',
    });
  }

  /** Sending e-mail from the stage's domain, through its configuration set only. */
  grantSendEmail(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['ses:SendEmail'],
        resources: [
          this.formatArn({ service: 'ses', resource: 'identity', resourceName: this.mailDomain }),
          this.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.emailConfigurationSetName,
          }),
        ],
      }),
    );
  }

  /** Reading the notification keys secret, and nothing else. */
  grantReadNotificationKeys(grantee: IGrantable): void {
    this.notificationKeysSecret.grantRead(grantee);
  }

  /** Sending text messages through the stage's SMS configuration set. */
  grantSendText(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sms-voice:SendTextMessage'],
        resources: [
          this.formatArn({
            service: 'sms-voice',
            resource: 'configuration-set',
            resourceName: this.smsConfigurationSetName,
          }),
        ],
      }),
    );
  }
}
