/** Whether this process exports spans; false until startTracing succeeds with an endpoint. */
let enabled = false;

export function tracingEnabled(): boolean {
  return enabled;
}

export function setTracingEnabled(value: boolean): void {
  enabled = value;
}
