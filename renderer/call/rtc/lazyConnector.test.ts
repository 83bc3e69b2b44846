import { describe, expect, it } from 'vitest';
import { lazyConnector } from './lazyConnector.js';
import type { MediaConnector, MediaRoom } from './rtcPorts.js';

const options = {} as Parameters<MediaConnector['connect']>[0];
const room = {} as MediaRoom;

describe('the LiveKit side, loaded when a call needs it', () => {
  it('loads nothing until a call rings or is placed, then loads once', async () => {
    let loads = 0;
    const connector = lazyConnector(async () => {
      loads++;
      return { connect: async () => room };
    });
    expect(loads).toBe(0);
    connector.prepare?.();
    connector.prepare?.();
    expect(await connector.connect(options)).toBe(room);
    expect(loads).toBe(1);
  });

  it('a load that failed is tried again by the next call, and the call that met it fails', async () => {
    let loads = 0;
    const connector = lazyConnector(async () => {
      loads++;
      if (loads === 1) throw new Error('chunk missing');
      return { connect: async () => room };
    });
    await expect(connector.connect(options)).rejects.toThrow('chunk missing');
    expect(await connector.connect(options)).toBe(room);
    expect(loads).toBe(2);
  });
});
