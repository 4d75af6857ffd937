import * as z from 'zod';

/** Base64url text of bytes that `valid` accepts, with one message for whatever is wrong. */
const base64url = (valid: (bytes: Buffer) => boolean, message: string) =>
  z
    .string()
    .max(200)
    .refine((value) => /^[A-Za-z0-9_-]+$/.test(value) && valid(Buffer.from(value, 'base64url')), message);

/** A browser that allowed the school's notifications, as the caller's list shows it. */
export const pushDevice = z.object({
  id: z.uuid(),
  device: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type PushDevice = z.infer<typeof pushDevice>;

/** What a browser needs to subscribe (the stage's public VAPID key), and the caller's browsers. */
export const pushSettings = z.object({
  publicKey: z.string(),
  devices: z.array(pushDevice),
});
export type PushSettings = z.infer<typeof pushSettings>;

/** A browser's `PushSubscription.toJSON()`, as the Push API gives it, and a name for the device. */
export const pushSubscriptionInput = z
  .object({
    endpoint: z.string().min(1).max(2000),
    // Push services give no expiry in practice; accepted and not kept.
    expirationTime: z.number().nullable().optional(),
    keys: z
      .object({
        // An uncompressed P-256 point (RFC 8291) and a 16-byte authentication secret.
        p256dh: base64url(
          (bytes) => bytes.length === 65 && bytes[0] === 4,
          'is not an uncompressed P-256 public key (65 bytes, base64url)',
        ),
        auth: base64url((bytes) => bytes.length === 16, 'is not a 16-byte secret (base64url)'),
      })
      .strict(),
    device: z.string().trim().min(1).max(120).optional(),
  })
  .strict();
export type PushSubscriptionInput = z.infer<typeof pushSubscriptionInput>;

export const pushDevicePath = z.object({ deviceId: z.uuid() }).strict();
