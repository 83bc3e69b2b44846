/**
 * People whose windows run on test hosts of their own (tests/support/netns.ts): each window's
 * Chromium inside its host's namespace, its main (the harness) reached over the host's
 * control link. For the bad-network tests and the loss bench.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import type { TestHost } from '../../support/netns.js';
import { freePort, type SynapseInfo } from '../../support/synapse.js';
import { signedInPerson, type Person } from './people.js';

export async function personOnHost(
  host: TestHost,
  synapse: SynapseInfo,
  rendererDir: string,
  name: string,
  browsers: Browser[],
  options: {
    /** Done to the window's browser context before the page opens (init scripts). */
    prepare?: (context: BrowserContext) => Promise<void>;
    /** Further Chromium switches (a microphone that plays a file, say). */
    chromiumArgs?: readonly string[];
  } = {},
): Promise<Person> {
  const { prepare } = options;
  const browser = await host.launchChromium(options.chromiumArgs);
  browsers.push(browser);
  const port = await freePort();
  await host.forward(port);
  return signedInPerson(browser, synapse, rendererDir, name, undefined, {
    port,
    bindHost: host.controlAddress,
    ...(prepare === undefined ? {} : { prepare }),
  });
}
