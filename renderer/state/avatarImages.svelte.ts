import { SvelteMap } from 'svelte/reactivity';

/**
 * Avatars as blob: URLs (the page has no network of its own; images come through the
 * gateway). Loaded once per image, on first use; a failure leaves the initials.
 */
export class AvatarImages {
  readonly #urls = new SvelteMap<string, string>();
  // Bookkeeping only: nothing renders from it, so it need not be reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #loading = new Set<string>();
  readonly #avatarOf: (userId: string) => string | null;
  readonly #load: (mxc: string) => Promise<Blob | null>;

  constructor(avatarOf: (userId: string) => string | null, load: (mxc: string) => Promise<Blob | null>) {
    this.#avatarOf = avatarOf;
    this.#load = load;
  }

  /** The image for a person, or null (for now, or for good). Reactive. */
  urlFor(userId: string): string | null {
    const mxc = this.#avatarOf(userId);
    if (mxc === null || !mxc.startsWith('mxc://')) return null;
    const url = this.#urls.get(mxc);
    if (url !== undefined) return url;
    if (!this.#loading.has(mxc)) {
      this.#loading.add(mxc);
      void this.#load(mxc).then(
        (blob) => {
          if (blob !== null) this.#urls.set(mxc, URL.createObjectURL(blob));
        },
        (error: unknown) => console.warn('[avatar] not loaded', error),
      );
    }
    return null;
  }

  dispose(): void {
    for (const url of this.#urls.values()) URL.revokeObjectURL(url);
    this.#urls.clear();
  }
}

export const AVATARS_CONTEXT = Symbol('avatars');
