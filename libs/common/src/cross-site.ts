import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { AppError } from './app-error';
import { registerErrorStatus } from './error-status';
import { requestContext } from './request-context';

export class CrossSiteRequestError extends AppError {
  readonly code = 'cross_site_request';
}

registerErrorStatus({ cross_site_request: 403 });

type Headers = FastifyRequest['headers'];

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * True when a browser says the request comes from another page than this service's own:
 * `Sec-Fetch-Site` other than `same-origin` (or `none`, typed by the user), or an `Origin` whose
 * host is not the one the request was sent to (`null`, from sandboxes and redirects, included).
 * Clients that are not browsers send neither header and are never cross-site.
 */
export function isCrossSite(headers: Headers): boolean {
  const fetchSite = single(headers['sec-fetch-site'])?.toLowerCase();
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return true;
  }
  const origin = single(headers.origin);
  if (origin === undefined) {
    return false;
  }
  try {
    return new URL(origin).host !== single(headers.host);
  } catch {
    return true;
  }
}

/**
 * In open local mode a request without credentials acts as an admin, and a browser attaches no
 * credentials to a request another web page makes it send: any site the developer visits could
 * drive the API. So a request served as the anonymous (open-mode) principal must come from no
 * browser, or from this origin. Runs after authentication, which decides the principal.
 */
@Injectable()
export class OpenModeCrossSiteInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const principal = requestContext.current()?.principal;
    if (principal?.kind === 'anonymous' && context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      if (isCrossSite(request.headers)) {
        throw new CrossSiteRequestError(
          'Cross-site requests are refused in open local mode: call the API from a client, or configure credentials',
        );
      }
    }
    return next.handle();
  }
}
