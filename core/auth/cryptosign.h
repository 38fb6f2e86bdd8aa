// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// WAMP-cryptosign (wamp-notes §9.3): Ed25519 (libsodium) over the 32 raw challenge bytes. Keys, challenges and
// signatures travel as lowercase hex. Only this file and its .cpp know libsodium.

#include "wamp/result.h"

#include <QByteArray>
#include <QString>

namespace wb::auth {

inline constexpr int kEd25519SeedBytes = 32;
inline constexpr int kEd25519PublicKeyBytes = 32;
inline constexpr int kCryptosignChallengeBytes = 32;
inline constexpr int kCryptosignSignatureBytes = 64;

/// A private key (32-byte seed) and its public key.
struct Ed25519KeyPair
{
    QByteArray seed;      ///< 32 bytes; the secret
    QByteArray publicKey; ///< 32 bytes
};

/// libsodium's init (idempotent, thread-safe). False when the library cannot be used.
bool sodiumReady();

/// Cryptographically secure random bytes (libsodium's randombytes_buf).
QByteArray randomBytes(int count);

/// A fresh key pair.
Ed25519KeyPair generateEd25519KeyPair();

/// The key pair of a 32-byte seed; an empty result when \a seed is not 32 bytes.
Ed25519KeyPair ed25519KeyPairFromSeed(const QByteArray &seed);

/// Decodes exactly \a bytes bytes of hex (upper or lower case, no separators). \a what names the value in the error.
Result<QByteArray> decodeHex(const QString &text, int bytes, const QString &what);

/// The client's AUTHENTICATE signature for a CHALLENGE: hex(Ed25519 signature (64) || message (32)), 192 hex
/// characters. The message is the challenge, XORed with \a channelId (32 bytes) when channel binding is used.
/// Empty when the seed or challenge has the wrong size.
QString cryptosignSign(const QByteArray &seed, const QByteArray &challenge, const QByteArray &channelId = {});

/// Router-side check of an AUTHENTICATE signature (hex, 96 bytes = signature || message): the embedded message must
/// equal \a expectedMessage and the Ed25519 signature must verify under \a publicKey. On failure \a why says why.
bool cryptosignVerify(const QByteArray &publicKey, const QString &signatureHex, const QByteArray &expectedMessage,
                      QString *why = nullptr);

/// Private key files (wampscope-cli keygen, --private-key-file), the tagged format of Crossbar's key.priv that
/// Autobahn|Python's CryptosignKey.from_keyfile() reads too:
///   free comment text
///   <blank line>
///   public-key-ed25519: <64 hex>        (optional; checked against the private key)
///   private-key-ed25519: <64 hex>
/// Also accepted: a file holding only the 64-hex seed; '#' lines are comments. The file must not be accessible by
/// group or others (like ssh keys). Returns the seed.
Result<QByteArray> readPrivateKeyFile(const QString &path);

/// Writes \a key in the tagged format above with mode 0600; refuses to overwrite an existing file.
Status writePrivateKeyFile(const QString &path, const Ed25519KeyPair &key);

} // namespace wb::auth
