/**
 * Signals let code react to saves and deletes, as Django's do. A receiver may be async; it is
 * awaited, and if it throws, the operation that sent the signal fails (and rolls back).
 */

/** A model class, as far as signals care: something with a label. */
interface SenderLike {
  readonly meta: { readonly label: string };
}

export interface ConnectOptions<S> {
  /** Only receive signals sent for this model. */
  sender?: S;
}

type Receiver<A> = (args: A) => unknown;

export class Signal<A extends { sender: SenderLike }> {
  private receivers: Array<{ receiver: Receiver<A>; label: string | undefined }> = [];

  constructor(readonly name: string) {}

  /** Connects a receiver; returns the function that disconnects it. */
  connect(receiver: Receiver<A>, options: ConnectOptions<SenderLike> = {}): () => void {
    const entry = { receiver, label: options.sender?.meta.label };
    this.receivers = [...this.receivers, entry];
    return () => {
      this.receivers = this.receivers.filter((e) => e !== entry);
    };
  }

  disconnectAll(): void {
    this.receivers = [];
  }

  /** Whether sending for `sender` would reach anyone; lets callers skip loading rows. */
  hasReceivers(sender: SenderLike): boolean {
    const label = sender.meta.label;
    return this.receivers.some((e) => e.label === undefined || e.label === label);
  }

  async send(args: A): Promise<void> {
    const label = args.sender.meta.label;
    for (const { receiver, label: wanted } of this.receivers) {
      if (wanted === undefined || wanted === label) await receiver(args);
    }
  }
}

export interface SaveSignalArgs {
  sender: any;
  instance: any;
  /** postSave: true when the save inserted the row. */
  created?: boolean;
  updateFields?: readonly string[];
  using: unknown;
}

export interface DeleteSignalArgs {
  sender: any;
  instance: any;
  /** The instance or queryset that delete() was called on. */
  origin: unknown;
  using: unknown;
}

export interface SoftDeleteSignalArgs {
  sender: any;
  instances: readonly any[];
  deletionId: unknown;
  using: unknown;
}

export const preSave = new Signal<SaveSignalArgs>('preSave');
export const postSave = new Signal<SaveSignalArgs>('postSave');
export const preDelete = new Signal<DeleteSignalArgs>('preDelete');
export const postDelete = new Signal<DeleteSignalArgs>('postDelete');
export const postSoftDelete = new Signal<SoftDeleteSignalArgs>('postSoftDelete');
export const postRestore = new Signal<SoftDeleteSignalArgs>('postRestore');

export const signals = { preSave, postSave, preDelete, postDelete, postSoftDelete, postRestore };
