/**
 * The RDS Data API's error names, as the AWS SDK reads them from the `x-amzn-errortype`
 * header, with their HTTP statuses. Code that handles these locally handles them on AWS.
 */
export const dataApiErrors = {
  BadRequestException: 400,
  DatabaseErrorException: 400,
  DatabaseNotFoundException: 404,
  DatabaseResumingException: 400,
  ForbiddenException: 403,
  NotFoundException: 404,
  SecretsErrorException: 400,
  StatementTimeoutException: 400,
  TransactionNotFoundException: 404,
  UnsupportedResultException: 400,
  InternalServerErrorException: 500,
} as const;

export type DataApiErrorName = keyof typeof dataApiErrors;

export class DataApiError extends Error {
  constructor(
    readonly errorName: DataApiErrorName,
    message: string,
  ) {
    super(message);
    this.name = errorName;
  }

  get status(): number {
    return dataApiErrors[this.errorName];
  }
}

export const badRequest = (message: string) => new DataApiError('BadRequestException', message);
