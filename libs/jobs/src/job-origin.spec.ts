import { requestContext } from '@engram/common';
import { JOB_ORIGIN_KEY, splitOrigin, withOrigin } from './job-origin';

describe('job origin', () => {
  it('carries the request id in the data and hands the handler the payload as given', () => {
    const data = requestContext.run({ requestId: 'req-1' }, () => withOrigin({ tenantId: 'a' }));
    expect(data).toEqual({ tenantId: 'a', [JOB_ORIGIN_KEY]: { request_id: 'req-1' } });
    expect(splitOrigin(data)).toEqual({ payload: { tenantId: 'a' }, origin: { request_id: 'req-1' } });
  });

  it('leaves payloads alone outside a request (tracing off: no trace to carry) and ignores a malformed origin', () => {
    expect(withOrigin({ tenantId: 'a' })).toEqual({ tenantId: 'a' });
    expect(splitOrigin({ tenantId: 'a' })).toEqual({ payload: { tenantId: 'a' }, origin: {} });
    expect(splitOrigin({ tenantId: 'a', [JOB_ORIGIN_KEY]: { trace: 7 } })).toEqual({
      payload: { tenantId: 'a' },
      origin: {},
    });
  });
});
