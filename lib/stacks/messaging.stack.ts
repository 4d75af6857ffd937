import { Stack, type StackProps } from 'aws-cdk-lib';
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
import { CfnConfigurationSet, CfnOptOutList } from 'aws-cdk-lib/aws-smsvoice';
import type { Construct } from 'constructs';
import { type StageConfig, stagePrefix } from '../config';

export interface MessagingStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * How the platform reaches families and staff. E-mail: the stage's sending domain as an SES
 * identity (Easy DKIM), one configuration set that requires TLS, keeps the account-level
 * suppression list for bounces and complaints, publishes reputation metrics and sends every
 * sending event to EventBridge's default bus, where the notification workers read them. Text
 * messages: an End User Messaging SMS configuration set and the stage's opt-out list. Senders
 * get least-privilege grants through `grantSendEmail` and `grantSendText`.
 */
export class MessagingStack extends Stack {
  readonly configurationSet: ConfigurationSet;
  readonly identity: EmailIdentity;
  readonly smsConfigurationSet: CfnConfigurationSet;
  readonly optOutList: CfnOptOutList;

  constructor(scope: Construct, id: string, props: MessagingStackProps) {
    super(scope, id, props);
    const { config } = props;
    const prefix = stagePrefix(config);

    this.configurationSet = new ConfigurationSet(this, 'Email', {
      configurationSetName: `${prefix}-notifications`,
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

    this.optOutList = new CfnOptOutList(this, 'OptOuts', { optOutListName: `${prefix}-opt-outs` });
    this.smsConfigurationSet = new CfnConfigurationSet(this, 'Sms', {
      configurationSetName: `${prefix}-notifications`,
    });
  }

  /** Sending e-mail from the stage's domain, through its configuration set only. */
  grantSendEmail(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['ses:SendEmail'],
        resources: [
          this.formatArn({ service: 'ses', resource: 'identity', resourceName: this.identity.emailIdentityName }),
          this.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
      }),
    );
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
            resourceName: this.smsConfigurationSet.ref,
          }),
        ],
      }),
    );
  }
}
