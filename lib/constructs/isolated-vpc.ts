import type { RemovalPolicy } from 'aws-cdk-lib';
import { FlowLogDestination, FlowLogTrafficType, IpAddresses, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface IsolatedVpcProps {
  /** A literal CIDR, so security group rules can name it without a token. */
  readonly cidr: string;
  readonly availabilityZones: readonly string[];
  readonly flowLogRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A VPC with isolated subnets only: nothing in it reaches or is reached from the
 * internet, so there is no NAT gateway to pay for. Rejected traffic is flow-logged.
 */
export class IsolatedVpc extends Construct {
  readonly vpc: Vpc;

  constructor(scope: Construct, id: string, props: IsolatedVpcProps) {
    super(scope, id);
    this.vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(props.cidr),
      availabilityZones: [...props.availabilityZones],
      natGateways: 0,
      subnetConfiguration: [{ name: 'isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
    });
    this.vpc.addFlowLog('FlowLog', {
      trafficType: FlowLogTrafficType.REJECT,
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogs', { retention: props.flowLogRetention, removalPolicy: props.removalPolicy }),
      ),
    });
  }
}
