/**
 * One import, from the chosen file to its outcome: the preview (detected encoding, delimiter,
 * columns), the user's mapping edits, the progress while the worker imports, and the result.
 * Nothing is written until `start`; a cancelled or failed import leaves the campaign unchanged.
 */
import type {
  CsvEncoding,
  Delimiter,
  EventMapping,
  FieldProposal,
  FilePreview,
  ImportOutcome,
  ImportProgress,
  MergePolicy
} from '$lib/engine/api';
import { suggestEventMapping } from '$lib/core/csv/infer-fields';
import type { DeliveryPreset } from '$lib/core/analytics/presets';
import type { DeliveryFilePreview, DeliveryImportOutcome } from '$lib/engine/delivery-api';
import { callback, engine, errorMessage } from './engine';

/** `delivery`: an email provider's delivery-event export (SendGrid, Mailgun, Slice events). */
export type ImportKind = 'contacts' | 'events' | 'delivery';
export type ImportStage = 'choose' | 'reading' | 'mapping' | 'importing' | 'finished';

export class ImportSession {
  kind = $state<ImportKind>('contacts');
  stage = $state<ImportStage>('choose');
  file = $state<File | null>(null);
  preview = $state<FilePreview | null>(null);
  /** Problem reading the file at all (engine error), as opposed to preview.problem. */
  readError = $state<string | null>(null);

  encoding = $state<CsvEncoding>('utf-8');
  delimiter = $state<Delimiter>(',');
  fields = $state<FieldProposal[]>([]);
  identity = $state('');
  policy = $state<MergePolicy>('update');
  /** The identity field of the campaign being imported into, once it has contacts. */
  campaignIdentity = $state<string | null>(null);
  events = $state<EventMapping>({
    contact: '',
    type: '',
    target: null,
    at: '',
    properties: [],
    id: null
  });
  /** Zone in which the file's date-times without a zone are read: the campaign's unless changed. */
  timeZone = $state('UTC');

  /** For a delivery export: the preset recognised, the one chosen, and the columns it maps. */
  delivery = $state<DeliveryFilePreview | null>(null);
  /** The preset the user chose over the recognised one (null: the recognised one). */
  preset = $state<DeliveryPreset | null>(null);

  progress = $state<ImportProgress | null>(null);
  outcome = $state<ImportOutcome | null>(null);
  deliveryOutcome = $state<DeliveryImportOutcome | null>(null);
  cancelling = $state(false);
  #importId: string | null = null;
  #cancelWanted = false;

  /** Why the import cannot start yet, one sentence per problem; empty when it can. */
  mappingProblems = $derived.by(() => this.#problems());

  async choose(file: File, kind: ImportKind): Promise<void> {
    this.reset();
    this.kind = kind;
    this.file = file;
    await this.#read();
  }

  /** Reads the file again with an encoding or delimiter chosen over the detected one. */
  async reread(override: { encoding?: CsvEncoding; delimiter?: Delimiter }): Promise<void> {
    await this.#read(override);
  }

  /** Reads the delivery export again with a preset chosen over the recognised one. */
  async choosePreset(preset: DeliveryPreset | null): Promise<void> {
    this.preset = preset;
    const file = this.file;
    if (!file) return;
    const read = await engine().previewDelivery(file, {
      encoding: this.encoding,
      delimiter: this.delimiter,
      ...(preset ? { preset } : {})
    });
    if (file === this.file) this.delivery = read;
  }

  async #read(override?: { encoding?: CsvEncoding; delimiter?: Delimiter }): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.stage = 'reading';
    this.readError = null;
    try {
      const preview = await engine().previewFile(
        file,
        this.kind === 'delivery' ? 'events' : this.kind,
        override
      );
      if (file !== this.file) return;
      if (this.kind === 'delivery' && !preview.problem) {
        const delivery = await engine().previewDelivery(file, {
          encoding: override?.encoding ?? preview.encoding,
          delimiter: override?.delimiter ?? preview.delimiter,
          ...(this.preset ? { preset: this.preset } : {})
        });
        if (file !== this.file) return;
        this.delivery = delivery;
      }
      this.preview = preview;
      this.encoding = override?.encoding ?? preview.encoding;
      this.delimiter = override?.delimiter ?? preview.delimiter;
      this.fields = preview.fields.map((f) => ({ ...f, samples: [...f.samples] }));
      this.identity = preview.suggestedIdentity ?? '';
      // A campaign that already has contacts keeps its identity: propose the same column.
      const same = this.campaignIdentity
        ? this.fields.find((f) => f.name.toLowerCase() === this.campaignIdentity?.toLowerCase())
        : undefined;
      if (same && this.campaignIdentity) {
        same.name = this.campaignIdentity;
        same.include = true;
        this.identity = this.campaignIdentity;
      }
      if (this.kind === 'events') {
        this.events = suggestEventMapping(preview.fields) ?? {
          contact: '',
          type: '',
          target: null,
          at: '',
          properties: [],
          id: null
        };
      }
      this.stage = preview.problem ? 'choose' : 'mapping';
    } catch (error) {
      this.readError = `Could not read ${file.name}: ${errorMessage(error)}`;
      this.stage = 'choose';
    }
  }

  async start(campaignId: string): Promise<ImportOutcome | null> {
    const file = this.file;
    if (!file || this.mappingProblems.length > 0) return null;
    this.stage = 'importing';
    this.progress = null;
    this.outcome = null;
    this.cancelling = false;
    this.#importId = null;
    this.#cancelWanted = false;
    const onProgress = callback((p: ImportProgress) => {
      this.progress = p;
      if (this.#importId === null) {
        this.#importId = p.importId;
        // Cancel was pressed before the worker said which import this is.
        if (this.#cancelWanted) void engine().cancelImport(p.importId);
      }
    });
    if (this.kind === 'delivery') return this.#startDelivery(campaignId, file, onProgress);
    let outcome: ImportOutcome;
    try {
      outcome =
        this.kind === 'contacts'
          ? await engine().importContacts(
              campaignId,
              file,
              {
                fields: $state.snapshot(this.fields),
                identity: this.identity,
                policy: this.policy,
                encoding: this.encoding,
                delimiter: this.delimiter,
                timeZone: this.timeZone
              },
              onProgress
            )
          : await engine().importEvents(
              campaignId,
              file,
              {
                mapping: $state.snapshot(this.events),
                encoding: this.encoding,
                delimiter: this.delimiter,
                timeZone: this.timeZone
              },
              onProgress
            );
    } catch (error) {
      outcome = {
        ok: false,
        importId: this.#importId ?? '',
        kind: this.kind,
        cancelled: false,
        message: errorMessage(error),
        rejected: 0
      };
    }
    this.outcome = outcome;
    this.stage = 'finished';
    this.cancelling = false;
    return outcome;
  }

  async #startDelivery(
    campaignId: string,
    file: File,
    onProgress: (p: ImportProgress) => void
  ): Promise<ImportOutcome | null> {
    let outcome: DeliveryImportOutcome;
    try {
      outcome = await engine().importDelivery(
        campaignId,
        file,
        {
          ...(this.preset ? { preset: this.preset } : {}),
          encoding: this.encoding,
          delimiter: this.delimiter,
          timeZone: this.timeZone
        },
        onProgress
      );
    } catch (error) {
      outcome = {
        ok: false,
        importId: this.#importId ?? '',
        cancelled: false,
        message: errorMessage(error)
      };
    }
    this.deliveryOutcome = outcome;
    this.stage = 'finished';
    this.cancelling = false;
    return null;
  }

  async cancel(): Promise<void> {
    this.cancelling = true;
    this.#cancelWanted = true;
    if (this.#importId) await engine().cancelImport(this.#importId);
  }

  reset(): void {
    this.stage = 'choose';
    this.file = null;
    this.preview = null;
    this.readError = null;
    this.fields = [];
    this.identity = '';
    this.progress = null;
    this.outcome = null;
    this.delivery = null;
    this.preset = null;
    this.deliveryOutcome = null;
    this.cancelling = false;
    this.#importId = null;
    this.#cancelWanted = false;
  }

  #problems(): string[] {
    const problems: string[] = [];
    if (!this.preview || this.preview.problem) return ['Choose a file that can be read.'];
    if (this.kind === 'delivery') {
      if (!this.delivery) return ['Reading the file…'];
      if (this.delivery.problem) {
        const m = this.delivery.problem.message;
        return [`${m.charAt(0).toUpperCase()}${m.slice(1)}: choose the export's format.`];
      }
      return problems;
    }
    if (this.kind === 'contacts') {
      const included = this.fields.filter((f) => f.include);
      if (included.length === 0) problems.push('Include at least one column.');
      // A local scratch set inside a derived computation, not state.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      const seen = new Set<string>();
      for (const f of included) {
        const name = f.name.trim();
        if (!name) problems.push(`Column “${f.source ?? ''}” needs a field name.`);
        else if (seen.has(name.toLowerCase()))
          problems.push(`Two columns are named “${name}”: field names must differ.`);
        seen.add(name.toLowerCase());
      }
      if (!this.identity) problems.push('Choose the identity column (email or an id).');
      else if (!included.some((f) => f.name === this.identity))
        problems.push(`The identity column “${this.identity}” must be included.`);
      else if (this.campaignIdentity && this.identity !== this.campaignIdentity)
        problems.push(
          `This campaign recognises contacts by “${this.campaignIdentity}”: choose the column that holds it as identity and name its field “${this.campaignIdentity}”.`
        );
    } else {
      if (!this.events.contact) problems.push('Choose the column that names the contact.');
      if (!this.events.type) problems.push('Choose the column that holds the event type.');
      if (!this.events.at) problems.push('Choose the column that holds the date and time.');
      const { id, contact, type, at, target } = this.events;
      if (id && [contact, type, at, target].includes(id))
        problems.push(`The event id column “${id}” already has another role: choose another one.`);
    }
    return problems;
  }
}

// Sessions are found by campaign, never rendered as a collection: a plain Map is enough.
// eslint-disable-next-line svelte/prefer-svelte-reactivity
const sessions = new Map<string, ImportSession>();

/**
 * The import session of a campaign. It outlives the Import screen, so leaving the screen
 * during an import and coming back shows the same progress or result.
 */
export function importSessionFor(campaignId: string): ImportSession {
  let session = sessions.get(campaignId);
  if (!session) {
    session = new ImportSession();
    sessions.set(campaignId, session);
  }
  return session;
}
