/**
 * Watches a whole browser session for what the app must never do: break a rule of its
 * Content-Security-Policy (in the page, its frames, the engine's worker or the service worker)
 * or send a request to a host other than its own and the configured relay.
 */
import type { BrowserContext, ConsoleMessage, Page, Worker } from '@playwright/test';

export interface SessionWatch {
  /** Every request URL seen, from the page, its workers and the service worker. */
  requests: string[];
  /** Every CSP violation: securitypolicyviolation events and "Refused to …" console lines. */
  violations: string[];
  /** Console errors and uncaught page errors, with where they came from. */
  errors: string[];
  /** Violations recorded by the listeners inside the page and workers, gathered now. */
  collect(page: Page): Promise<string[]>;
}

// Playwright's init script (the securitypolicyviolation listener) is refused in the email
// preview, a sandbox without allow-scripts: Chromium says so on the console, which is the
// sandbox working, not an error of the app.
const OUR_INIT_SCRIPT_SANDBOXED =
  /^Blocked script execution in 'about:srcdoc' because the document's frame is sandboxed/;
const CSP_CONSOLE = /Content Security Policy|Refused to (load|connect|execute|frame|create)/i;

/** Starts watching `context` and its pages; call before the first page loads anything. */
export async function watchSession(context: BrowserContext): Promise<SessionWatch> {
  const watch: SessionWatch = {
    requests: [],
    violations: [],
    errors: [],
    async collect(page: Page) {
      const found: string[] = [];
      for (const frame of page.frames()) {
        found.push(
          ...(await frame
            .evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])
            .catch(() => [] as string[]))
        );
      }
      for (const worker of [...page.workers(), ...context.serviceWorkers()]) {
        found.push(
          ...(await worker
            .evaluate(() => (self as unknown as { __csp?: string[] }).__csp ?? [])
            .catch(() => [] as string[]))
        );
      }
      return [...watch.violations, ...found];
    }
  };

  const onConsole = (where: string) => (message: ConsoleMessage) => {
    if (CSP_CONSOLE.test(message.text())) watch.violations.push(`${where}: ${message.text()}`);
    else if (message.type() === 'error' && !OUR_INIT_SCRIPT_SANDBOXED.test(message.text()))
      watch.errors.push(`${where}: ${message.text()}`);
  };
  const listenInWorker = (kind: string) => (worker: Worker) => {
    worker.on('console', onConsole(`${kind} ${worker.url()}`));
    void worker
      .evaluate(() => {
        const scope = self as unknown as { __csp: string[] } & EventTarget;
        scope.__csp = [];
        scope.addEventListener('securitypolicyviolation', (e) => {
          const v = e as SecurityPolicyViolationEvent;
          scope.__csp.push(`${v.violatedDirective} blocked ${v.blockedURI} at ${v.sourceFile}`);
        });
      })
      .catch(() => {});
  };

  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__csp.push(
        `${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`
      );
    });
  });
  context.on('request', (r) => watch.requests.push(r.url()));
  context.on('serviceworker', listenInWorker('service worker'));
  const listenInPage = (page: Page) => {
    page.on('console', onConsole('page'));
    page.on('pageerror', (e) => watch.errors.push(`page error: ${e.message}`));
    page.on('request', (r) => watch.requests.push(r.url()));
    page.on('worker', listenInWorker('worker'));
  };
  // The test's page exists already (still blank: the init script runs at its first load).
  context.pages().forEach(listenInPage);
  context.on('page', listenInPage);
  return watch;
}

/** The hosts (origin) of the requests that are neither the app's nor in `allowed`. */
export function foreignRequests(requests: string[], allowed: string[]): string[] {
  const ok = new Set(allowed.map((u) => new URL(u).origin));
  return [
    ...new Set(
      requests.filter((u) => {
        // A page's own in-memory documents and downloads never reach a network.
        if (/^(data|blob|about|chrome-extension):/.test(u)) return false;
        return !ok.has(new URL(u).origin);
      })
    )
  ];
}
