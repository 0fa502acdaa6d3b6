import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** A change of a delivery that the ingest answered 200 for but could not queue as it is. */
export interface ParkedChange {
  /** Where it sat in the body, e.g. `entry[0].changes[3]`. */
  readonly path: string;
  readonly field: string;
  readonly reason: 'invalid' | 'unstorable';
  readonly detail?: string;
}

/** What is kept of a delivery with parked changes: the changes' places, and the body next to it. */
export interface ParkedManifest {
  readonly requestId: string;
  /** Epoch ms at which the delivery was received. */
  readonly receivedAt: number;
  readonly changes: readonly ParkedChange[];
}

export interface ParkedDelivery extends ParkedManifest {
  /** The body exactly as Meta sent and signed it. */
  readonly body: Buffer;
}

/** Where parked deliveries are kept, so that nothing acknowledged to Meta is lost. */
export interface ParkedChangeStore {
  park(delivery: ParkedDelivery): Promise<void>;
  read(requestId: string): Promise<ParkedDelivery | undefined>;
}

/** The object keys of one parked delivery; the request id is API Gateway's, also in the ingest's logs. */
export const parkedKeys = (requestId: string) => ({
  body: `parked/${requestId}/body.json`,
  manifest: `parked/${requestId}/manifest.json`,
});

/**
 * Parked deliveries in an S3 bucket: the whole body as received (a change can be megabytes, more than SQS or
 * DynamoDB hold) and a manifest naming the parked changes. The body is written first: a manifest always has
 * its body. Encrypted with the bucket's key; the bucket keeps them for the retention the stack sets.
 */
export class S3ParkedChangeStore implements ParkedChangeStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async park(delivery: ParkedDelivery): Promise<void> {
    const keys = parkedKeys(delivery.requestId);
    const { body, ...manifest } = delivery;
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: keys.body,
        Body: body,
        ContentType: 'application/json',
      }),
    );
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: keys.manifest,
        Body: JSON.stringify(manifest),
        ContentType: 'application/json',
      }),
    );
  }

  async read(requestId: string): Promise<ParkedDelivery | undefined> {
    const keys = parkedKeys(requestId);
    const manifestText = await this.text(keys.manifest);
    if (manifestText === undefined) return undefined;
    const body = await this.bytes(keys.body);
    if (body === undefined) return undefined;
    return { ...(JSON.parse(manifestText) as ParkedManifest), body };
  }

  private async text(key: string): Promise<string | undefined> {
    return (await this.bytes(key))?.toString('utf8');
  }

  private async bytes(key: string): Promise<Buffer | undefined> {
    try {
      const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Body ? Buffer.from(await Body.transformToByteArray()) : undefined;
    } catch (error) {
      if (error instanceof Error && error.name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}

/** The same contract in memory, for tests. */
export class InMemoryParkedChangeStore implements ParkedChangeStore {
  readonly deliveries = new Map<string, ParkedDelivery>();

  async park(delivery: ParkedDelivery): Promise<void> {
    this.deliveries.set(delivery.requestId, delivery);
  }

  async read(requestId: string): Promise<ParkedDelivery | undefined> {
    return this.deliveries.get(requestId);
  }
}
