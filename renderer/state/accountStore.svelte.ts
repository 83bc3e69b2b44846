import type {
  AccountState,
  RequestPayload,
  RequestReply,
  SignInFailureKind,
  SwitchboardApi,
} from '../../preload/contract.js';

/** What the homeserver the person named offers for signing in. */
export type SignInOptions = Extract<RequestReply<'account.signInOptions'>, { outcome: 'options' }>;
import type { ConnectionState } from '../matrix/connectionState.js';
import type { Contact } from '../matrix/contacts.js';
import type { MatrixSession } from '../matrix/matrixSession.js';
import type { CallStore } from './callStore.svelte.js';

/** What the account store needs of a Matrix session; MatrixSession provides it. */
export type SessionLike = Pick<
  MatrixSession,
  'session' | 'onConnection' | 'onContacts' | 'contacts' | 'connection' | 'directRoomWith' | 'stop'
> & {
  /** The session's calls, when the call engine runs for it. */
  readonly calls?: CallStore;
};

export interface AccountStoreDeps {
  bridge: SwitchboardApi;
  startSession: (session: Extract<AccountState, { status: 'signed-in' }>['session']) => Promise<SessionLike>;
  wipeStores: () => Promise<void>;
}

/**
 * The person's account as the window sees it: signed in or not (and why), the link to
 * the homeserver, and the contacts. Fed by main's account events and the Matrix session.
 */
export class AccountStore {
  account = $state<AccountState | null>(null);
  connection = $state<ConnectionState>({ kind: 'connecting' });
  contacts = $state<Contact[]>([]);
  signInBusy = $state(false);
  signInError = $state<{ kind: SignInFailureKind | 'session-failed'; message: string } | null>(null);
  /** What the server typed into the sign-in form offers (null until it is known), and for which entry. */
  signInOptions = $state<{ server: string; options: SignInOptions } | null>(null);
  /** A sign-in is waiting for the system browser. */
  waitingForBrowser = $state(false);
  /** The running session's calls (null while signed out). */
  calls = $state.raw<CallStore | null>(null);
  /** The running Matrix session (not reactive: components read the fields above). */
  session: SessionLike | null = null;

  readonly #deps: AccountStoreDeps;
  #applying: Promise<void> = Promise.resolve();
  #unsubscribers: (() => void)[] = [];

  constructor(deps: AccountStoreDeps) {
    this.#deps = deps;
  }

  async start(): Promise<void> {
    this.#deps.bridge.on('account.changed', (state) => void this.#enqueue(state));
    await this.#enqueue(await this.#deps.bridge.request('account.state', {}));
  }

  /** State changes are applied one at a time, in order. */
  #enqueue(state: AccountState): Promise<void> {
    this.#applying = this.#applying.then(() => this.#apply(state));
    return this.#applying;
  }

  async #apply(state: AccountState): Promise<void> {
    this.account = state;
    if (state.status === 'signed-in') {
      if (
        this.session?.session.userId === state.session.userId &&
        this.session.session.deviceId === state.session.deviceId
      )
        return;
      this.#stopSession();
      this.connection = { kind: 'connecting' };
      try {
        const session = await this.#deps.startSession(state.session);
        this.session = session;
        this.calls = session.calls ?? null;
        this.#unsubscribers = [
          session.onConnection((connection) => (this.connection = connection)),
          session.onContacts((contacts) => (this.contacts = contacts)),
        ];
        this.connection = session.connection();
        this.contacts = session.contacts();
      } catch (error) {
        this.signInError = {
          kind: 'session-failed',
          message: `Signed in, but the Matrix session could not start: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    } else {
      this.#stopSession();
      this.connection = { kind: 'signed-out' };
      this.contacts = [];
      if (state.wipeStores) await this.#deps.wipeStores();
    }
  }

  #stopSession(): void {
    for (const unsubscribe of this.#unsubscribers.splice(0)) unsubscribe();
    this.session?.stop();
    this.session = null;
    this.calls = null;
  }

  signIn(form: RequestPayload<'account.signIn'>): Promise<boolean> {
    return this.#signInThrough(() => this.#deps.bridge.request('account.signIn', form), false);
  }

  /** Finds out what the server named by a Matrix ID or server name offers; quietly, until asked to sign in. */
  async lookUp(server: string, homeserverUrl?: string): Promise<void> {
    const entry = server.trim();
    if (entry === '' || this.signInOptions?.server === entry) return;
    this.signInOptions = null;
    if (this.signInError?.kind === 'no-usable-login') this.signInError = null;
    try {
      const reply = await this.#deps.bridge.request('account.signInOptions', {
        server: entry,
        ...(homeserverUrl ? { homeserverUrl } : {}),
      });
      if (reply.outcome === 'options') this.signInOptions = { server: entry, options: reply };
      else if (reply.kind === 'no-usable-login') this.signInError = { kind: reply.kind, message: reply.message };
    } catch {
      // Only a hint for the form: signing in says what is wrong.
    }
  }

  /** Single sign-on in the system browser (providerId null: the server's only way). */
  signInWithBrowser(form: RequestPayload<'account.signInWithBrowser'>): Promise<boolean> {
    return this.#signInThrough(() => this.#deps.bridge.request('account.signInWithBrowser', form), true);
  }

  /** A sign-in, its progress and its failure in words; cancelling in the browser is no failure. */
  async #signInThrough(request: () => Promise<RequestReply<'account.signIn'>>, inBrowser: boolean): Promise<boolean> {
    this.signInBusy = true;
    this.waitingForBrowser = inBrowser;
    this.signInError = null;
    try {
      const reply = await request();
      if (reply.outcome === 'failed') {
        if (reply.kind !== 'cancelled') this.signInError = { kind: reply.kind, message: reply.message };
        return false;
      }
      return true;
    } catch (error) {
      this.signInError = { kind: 'server-error', message: error instanceof Error ? error.message : String(error) };
      return false;
    } finally {
      this.signInBusy = false;
      this.waitingForBrowser = false;
    }
  }

  async cancelSignIn(): Promise<void> {
    await this.#deps.bridge.request('account.cancelSignIn', {}).catch(() => undefined);
  }

  /** The authorization server's account page, opened by main in the browser (OAuth 2.0 sessions). */
  async manageAccount(): Promise<boolean> {
    const reply = await this.#deps.bridge.request('account.manageAccount', {}).catch(() => ({ opened: false }));
    return reply.opened;
  }

  async signOut(): Promise<void> {
    await this.#deps.bridge.request('account.signOut', {});
  }
}
