/** A unary gRPC call as a promise, with the caller's bearer token and a deadline. */
import { Metadata, type CallOptions, type ServiceError } from '@grpc/grpc-js';

export interface CallSettings {
  /** Bearer token of the calling system or operator; sent as `authorization: Bearer …`, never printed. */
  readonly token: string;
  readonly deadline: Date;
}

/** A generated client's unary method, bound to its client. */
export type Unary<Req, Res> = (request: Req, metadata: Metadata, options: CallOptions, callback: (err: ServiceError | null, value?: Res) => void) => unknown;

/** The method as `(request, settings) => Promise`; rejects with the grpc-js `ServiceError` of a failed call. */
export function unaryCall<Req, Res>(method: Unary<Req, Res>): (request: Req, settings: CallSettings) => Promise<Res> {
  return (request, settings) =>
    new Promise((resolve, reject) => {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${settings.token}`);
      method(request, metadata, { deadline: settings.deadline }, (err, value) => (err ? reject(err) : resolve(value as Res)));
    });
}
