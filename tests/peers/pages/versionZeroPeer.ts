/**
 * A version-0 VoIP peer (the seed text: integer `version: 0`, no party_id, invite with
 * `lifetime`, offer / answer / candidates / hangup, nothing else), for interop tests. It
 * runs in a browser page with a plain RTCPeerConnection and speaks the client-server API
 * directly: a /sync long-poll and PUT /send. It knows nothing of reject, select_answer or
 * negotiate (it logs and ignores them), sends no end-of-candidates and declines with
 * m.call.hangup.
 */
import { countInbound, PeerLog, recordingFetch, summariseCallContent, watchMedia } from './pageSupport.js';
import type {
  InboundPackets,
  PeerApi,
  PeerCallState,
  PeerCredentials,
  PeerLogEntry,
  PlaceCallOptions,
} from '../peerTypes.js';

const LIFETIME_MS = 60_000;
/** Host candidates go inside the SDP: wait this long after setLocalDescription. */
const FIRST_CANDIDATES_WAIT_MS = 200;
/** Later candidates are sent in batches this far apart. */
const CANDIDATE_BATCH_MS = 300;

interface SyncEvent {
  type: string;
  sender: string;
  content: Record<string, unknown>;
  unsigned?: { age?: number };
}

interface SyncResponse {
  next_batch: string;
  rooms?: { join?: Record<string, { timeline?: { events?: SyncEvent[] } }> };
}

interface Candidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

interface V0Call {
  callId: string;
  roomId: string;
  direction: 'inbound' | 'outbound';
  video: boolean;
  state: string;
  pc: RTCPeerConnection | null;
  stream: MediaStream | null;
  offer: RTCSessionDescriptionInit | null;
  remoteCandidates: Candidate[];
  outgoingCandidates: Candidate[];
  flushTimer: ReturnType<typeof setTimeout> | null;
  expiryTimer: ReturnType<typeof setTimeout> | null;
  hangupReason: string | null;
  hangupParty: 'local' | 'remote' | null;
}

const callFilter = JSON.stringify({
  presence: { types: [] },
  account_data: { types: [] },
  room: {
    timeline: { types: ['m.call.*'], limit: 50 },
    state: { types: [] },
    ephemeral: { types: [] },
    account_data: { types: [] },
  },
});

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `v0${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export class VersionZeroPeer implements PeerApi {
  readonly #log = new PeerLog();
  readonly #fetch = recordingFetch(this.#log);
  #credentials: PeerCredentials | null = null;
  #since: string | null = null;
  #abort = new AbortController();
  #running = false;
  #call: V0Call | null = null;
  #calls = 0;
  #txn = 0;

  async start(credentials: PeerCredentials): Promise<void> {
    if (this.#running) throw new Error('already started');
    this.#credentials = credentials;
    // Skip history: only calls from now on.
    const first = await this.#request<SyncResponse>(
      'GET',
      `/_matrix/client/v3/sync?timeout=0&filter=${encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 0 } } }))}`,
    );
    this.#since = first.next_batch;
    this.#running = true;
    void this.#syncLoop();
  }

  async #request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const credentials = this.#credentials;
    if (credentials === null) throw new Error('call start() first');
    const init: RequestInit = {
      method,
      headers: { authorization: `Bearer ${credentials.accessToken}`, 'content-type': 'application/json' },
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    if (signal !== undefined) init.signal = signal;
    const response = await this.#fetch(`${credentials.baseUrl}${path}`, init);
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path.split('?')[0]}: HTTP ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async #syncLoop(): Promise<void> {
    while (this.#running) {
      try {
        const response = await this.#request<SyncResponse>(
          'GET',
          `/_matrix/client/v3/sync?timeout=30000&since=${encodeURIComponent(this.#since ?? '')}&filter=${encodeURIComponent(callFilter)}`,
          undefined,
          this.#abort.signal,
        );
        this.#since = response.next_batch;
        for (const [roomId, room] of Object.entries(response.rooms?.join ?? {})) {
          const events = room.timeline?.events ?? [];
          // Liveness: an invite answered or hung up later in the same batch must not ring.
          const over = new Set(
            events
              .filter((e) => e.type === 'm.call.answer' || e.type === 'm.call.hangup')
              .map((e) => e.content['call_id']),
          );
          for (const event of events) await this.#onEvent(roomId, event, over);
        }
      } catch {
        if (!this.#running) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  async #onEvent(roomId: string, event: SyncEvent, overInBatch: Set<unknown>): Promise<void> {
    if (!event.type.startsWith('m.call.')) return;
    const own = event.sender === this.#credentials?.userId;
    const callId = typeof event.content['call_id'] === 'string' ? event.content['call_id'] : null;
    this.#log.add('received', callId, {
      ...summariseCallContent(event.type, event.content),
      own,
      age: event.unsigned?.age ?? null,
    });
    // Version 0 has no party_id: a client knows its own events by their sender.
    if (own || callId === null) return;
    const call = this.#call;
    switch (event.type) {
      case 'm.call.invite':
        await this.#onInvite(roomId, callId, event, overInBatch);
        return;
      case 'm.call.candidates': {
        if (call?.callId !== callId || call.state === 'ended') return;
        const candidates = Array.isArray(event.content['candidates'])
          ? (event.content['candidates'] as Candidate[])
          : [];
        // Version 0 knows no end-of-candidates: skip the empty candidate.
        call.remoteCandidates.push(...candidates.filter((c) => typeof c.candidate === 'string' && c.candidate !== ''));
        await this.#applyRemoteCandidates(call);
        return;
      }
      case 'm.call.answer': {
        if (call?.callId !== callId || call.direction !== 'outbound' || call.state !== 'invite_sent') return;
        const answer = event.content['answer'] as RTCSessionDescriptionInit | undefined;
        if (answer === undefined || call.pc === null) return;
        this.#setState(call, 'connecting');
        if (call.expiryTimer !== null) clearTimeout(call.expiryTimer);
        await call.pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp ?? '' });
        await this.#applyRemoteCandidates(call);
        return;
      }
      case 'm.call.hangup':
        if (call?.callId !== callId || call.state === 'ended') return;
        this.#end(
          call,
          typeof event.content['reason'] === 'string' ? event.content['reason'] : 'user_hangup',
          'remote',
        );
        return;
      default:
        // m.call.reject, select_answer, negotiate…: not in version 0.
        return;
    }
  }

  async #onInvite(roomId: string, callId: string, event: SyncEvent, overInBatch: Set<unknown>): Promise<void> {
    const lifetime = typeof event.content['lifetime'] === 'number' ? event.content['lifetime'] : LIFETIME_MS;
    const age = event.unsigned?.age ?? 0;
    if (age >= lifetime || overInBatch.has(callId)) return;
    const offer = event.content['offer'] as RTCSessionDescriptionInit | undefined;
    if (offer?.sdp === undefined) return;
    const current = this.#call;
    if (current !== null && current.state !== 'ended') {
      // Glare (seed text): the lesser call_id survives; accept it on the user's behalf.
      const glare = current.roomId === roomId && current.direction === 'outbound' && current.state === 'invite_sent';
      if (!glare || callId > current.callId) return;
      void this.#send(current, 'm.call.hangup', {}).catch(() => undefined);
      this.#end(current, 'replaced', 'local');
      this.#ring(roomId, callId, offer, lifetime - age);
      await this.answer();
      return;
    }
    this.#ring(roomId, callId, offer, lifetime - age);
  }

  #ring(roomId: string, callId: string, offer: RTCSessionDescriptionInit, remainingMs: number): void {
    const call: V0Call = {
      callId,
      roomId,
      direction: 'inbound',
      video: /^m=video /m.test(offer.sdp ?? ''),
      state: 'ringing',
      pc: null,
      stream: null,
      offer,
      remoteCandidates: [],
      outgoingCandidates: [],
      flushTimer: null,
      expiryTimer: null,
      hangupReason: null,
      hangupParty: null,
    };
    this.#call = call;
    this.#calls += 1;
    call.expiryTimer = setTimeout(() => {
      if (call.state === 'ringing') this.#end(call, 'invite_timeout', 'remote');
    }, remainingMs);
    this.#log.add('incoming', callId, { type: call.video ? 'video' : 'voice', state: 'ringing' });
  }

  #setState(call: V0Call, state: string): void {
    if (call.state === state || call.state === 'ended') return;
    const from = call.state;
    call.state = state;
    this.#log.add('state', call.callId, { state, from });
  }

  async #send(call: V0Call, type: string, content: Record<string, unknown>): Promise<void> {
    this.#txn += 1;
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(call.roomId)}/send/${type}/v0-${Date.now()}-${this.#txn}`;
    await this.#request('PUT', path, { call_id: call.callId, version: 0, ...content });
  }

  async #peerConnection(call: V0Call): Promise<RTCPeerConnection> {
    call.stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: call.video });
    const pc = new RTCPeerConnection({ iceServers: [] });
    call.pc = pc;
    for (const track of call.stream.getTracks()) pc.addTrack(track, call.stream);
    pc.addEventListener('icecandidate', (event) => {
      const candidate = event.candidate;
      if (candidate === null || candidate.candidate === '' || call.state === 'ended') return;
      call.outgoingCandidates.push({
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid,
        sdpMLineIndex: candidate.sdpMLineIndex,
      });
      // Before the invite / answer is out, candidates are still going into its SDP.
      if (call.state === 'create_offer' || call.state === 'create_answer') return;
      this.#scheduleFlush(call);
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') this.#setState(call, 'connected');
      if (pc.connectionState === 'failed' && call.state !== 'ended') {
        void this.#send(call, 'm.call.hangup', { reason: 'ice_failed' }).catch(() => undefined);
        this.#end(call, 'ice_failed', 'local');
      }
    });
    watchMedia({
      log: this.#log,
      callId: call.callId,
      peerConnection: () => call.pc,
      video: () => call.video,
      ended: () => call.state === 'ended',
    });
    return pc;
  }

  #scheduleFlush(call: V0Call): void {
    if (call.flushTimer !== null) return;
    call.flushTimer = setTimeout(() => {
      call.flushTimer = null;
      const candidates = call.outgoingCandidates.splice(0);
      if (candidates.length === 0 || call.state === 'ended') return;
      void this.#send(call, 'm.call.candidates', { candidates }).catch(() => undefined);
    }, CANDIDATE_BATCH_MS);
  }

  async #applyRemoteCandidates(call: V0Call): Promise<void> {
    const pc = call.pc;
    if (pc === null || pc.remoteDescription === null) return;
    for (const candidate of call.remoteCandidates.splice(0)) {
      await pc.addIceCandidate(candidate).catch(() => undefined);
    }
  }

  /** Waits until gathering completes or FIRST_CANDIDATES_WAIT_MS passed, whichever first. */
  async #gatherBriefly(pc: RTCPeerConnection): Promise<void> {
    if (pc.iceGatheringState === 'complete') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FIRST_CANDIDATES_WAIT_MS);
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  /** The candidates already inside a description: not sent again. */
  #dropCandidatesIn(call: V0Call, sdp: string): void {
    call.outgoingCandidates = call.outgoingCandidates.filter(
      (c) => !sdp.includes(c.candidate.replace(/^candidate:/, '')),
    );
  }

  async placeCall(roomId: string, options: PlaceCallOptions): Promise<string> {
    if (this.#call !== null && this.#call.state !== 'ended') throw new Error('already in a call');
    const call: V0Call = {
      callId: randomId(),
      roomId,
      direction: 'outbound',
      video: options.video,
      state: 'create_offer',
      pc: null,
      stream: null,
      offer: null,
      remoteCandidates: [],
      outgoingCandidates: [],
      flushTimer: null,
      expiryTimer: null,
      hangupReason: null,
      hangupParty: null,
    };
    this.#call = call;
    this.#calls += 1;
    this.#log.add('state', call.callId, { state: 'create_offer', from: 'fledgling' });
    const pc = await this.#peerConnection(call);
    await pc.setLocalDescription(await pc.createOffer());
    await this.#gatherBriefly(pc);
    const sdp = pc.localDescription?.sdp ?? '';
    this.#dropCandidatesIn(call, sdp);
    await this.#send(call, 'm.call.invite', { lifetime: LIFETIME_MS, offer: { type: 'offer', sdp } });
    this.#setState(call, 'invite_sent');
    if (call.outgoingCandidates.length > 0) this.#scheduleFlush(call);
    call.expiryTimer = setTimeout(() => {
      if (call.state !== 'invite_sent') return;
      void this.#send(call, 'm.call.hangup', { reason: 'invite_timeout' }).catch(() => undefined);
      this.#end(call, 'invite_timeout', 'local');
    }, LIFETIME_MS);
    return call.callId;
  }

  async answer(): Promise<void> {
    const call = this.#call;
    if (call?.state !== 'ringing' || call.offer === null) throw new Error('no ringing call');
    this.#log.add('answer-pressed', call.callId);
    if (call.expiryTimer !== null) clearTimeout(call.expiryTimer);
    this.#setState(call, 'create_answer');
    const pc = await this.#peerConnection(call);
    await pc.setRemoteDescription(call.offer);
    await this.#applyRemoteCandidates(call);
    await pc.setLocalDescription(await pc.createAnswer());
    await this.#gatherBriefly(pc);
    const sdp = pc.localDescription?.sdp ?? '';
    this.#dropCandidatesIn(call, sdp);
    await this.#send(call, 'm.call.answer', { answer: { type: 'answer', sdp } });
    this.#setState(call, 'connecting');
    if (pc.connectionState === 'connected') this.#setState(call, 'connected');
    if (call.outgoingCandidates.length > 0) this.#scheduleFlush(call);
  }

  /** Version 0 has no m.call.reject: a callee declines with m.call.hangup. */
  async reject(): Promise<void> {
    const call = this.#call;
    if (call?.state !== 'ringing') throw new Error('no ringing call');
    await this.#send(call, 'm.call.hangup', {});
    this.#end(call, 'user_hangup', 'local');
  }

  async hangup(): Promise<void> {
    const call = this.#call;
    if (call === null || call.state === 'ended') throw new Error('no call');
    await this.#send(call, 'm.call.hangup', {});
    this.#end(call, 'user_hangup', 'local');
  }

  async hold(): Promise<void> {
    throw new Error('version 0 has no renegotiation, so no hold');
  }

  async setVideoMuted(muted: boolean): Promise<void> {
    for (const track of this.#call?.stream?.getVideoTracks() ?? []) track.enabled = !muted;
  }

  #end(call: V0Call, reason: string, party: 'local' | 'remote', silent = false): void {
    if (call.state === 'ended') return;
    this.#setState(call, 'ended');
    call.hangupReason = reason;
    call.hangupParty = party;
    for (const timer of [call.flushTimer, call.expiryTimer]) if (timer !== null) clearTimeout(timer);
    call.pc?.close();
    for (const track of call.stream?.getTracks() ?? []) track.stop();
    if (!silent) this.#log.add('hangup', call.callId, { reason, party });
  }

  async state(): Promise<PeerCallState> {
    const call = this.#call;
    return {
      callState: call?.state ?? 'idle',
      callId: call?.callId ?? null,
      direction: call?.direction ?? null,
      type: call === null ? null : call.video ? 'video' : 'voice',
      hangupReason: call?.hangupReason ?? null,
      hangupParty: call?.hangupParty ?? null,
      remoteOnHold: false,
      localOnHold: false,
      calls: this.#calls,
    };
  }

  async inboundPackets(): Promise<InboundPackets> {
    return countInbound(this.#call?.pc);
  }

  async log(): Promise<PeerLogEntry[]> {
    return this.#log.entries;
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#abort.abort();
    this.#abort = new AbortController();
    if (this.#call !== null) this.#end(this.#call, 'stopped', 'local', true);
  }
}
