/**
 * The optional second factor: RFC 6238 TOTP (SHA-1, 6 digits, 30 s — what authenticator apps
 * use) through otplib. A code is accepted one step either side of now, and never twice: the
 * caller keeps the last accepted time step and passes it back.
 */
import { generate, generateSecret, generateURI, verify } from 'otplib';

const PERIOD = 30;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app reads from a QR code. */
export function totpUri(secret: string, username: string, issuer = 'Populus'): string {
  return generateURI({ issuer, label: username, secret });
}

/** The current code (for tests and the first-use check). */
export function totpCode(secret: string, now: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(now.getTime() / 1000) });
}

/** The time step of an accepted code, or undefined when the code is wrong or was used before. */
export async function checkTotp(secret: string, code: string, now: Date, lastStep: number | null): Promise<number | undefined> {
  if (!/^\d{6}$/.test(code)) return undefined;
  const epoch = Math.floor(now.getTime() / 1000);
  const result = await verify({
    secret,
    token: code,
    epoch,
    epochTolerance: 30,
    ...(lastStep === null ? {} : { afterTimeStep: lastStep }),
  });
  return result.valid ? Math.floor(epoch / PERIOD) + result.delta : undefined;
}
