// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// WAMP-SCRAM as Autobahn|Python and Crossbar.io implement it (wamp-notes §9.4), SHA-256 only:
//  - authmethod "scram"; HELLO.authextra.nonce = base64(16 random bytes) (client nonce)
//  - CHALLENGE.extra: nonce = client nonce + server nonce, salt (base64 text), kdf ("argon2id-13" | "pbkdf2"),
//    iterations, memory (KiB, argon2id only)
//  - AuthMessage = "n=<authid>,r=<client nonce>,r=<nonce>,s=<salt>,i=<iterations>,c=,r=<nonce>" (empty c=, no SASL
//    escaping, no SASLprep of the password: the password's UTF-8 bytes)
//  - SaltedPassword: argon2id-13 (parallelism 1, 32 bytes) over the base64-decoded salt, taken as the *unpadded
//    base64 text* of the hash (as in the argon2 encoded string Autobahn parses); pbkdf2: PBKDF2-HMAC-SHA256 over the
//    base64-decoded salt, the raw 32 bytes (RFC 5802 Hi()).
//  - AUTHENTICATE signature: base64(ClientProof); WELCOME.authextra.scram_server_signature: base64(ServerSignature).

#include "wamp/result.h"

#include <QByteArray>
#include <QString>

namespace wb::auth {

inline const QString kScramKdfArgon2id = QStringLiteral("argon2id-13");
inline const QString kScramKdfPbkdf2 = QStringLiteral("pbkdf2");

struct ScramParams
{
    QString kdf = kScramKdfArgon2id;
    QString salt;       ///< base64 text, as sent in CHALLENGE.extra.salt (argon2id needs 16 bytes once decoded)
    int iterations = 0; ///< argon2id: passes (opslimit); pbkdf2: rounds
    int memory = 0;     ///< argon2id only: KiB
};

/// Default cost parameters (wampscope-cli scram-hash, plaintext passwords in the router config).
ScramParams defaultScramParams(const QString &kdf);

/// Range checks of the parameters (kdf name, salt decodes (16 bytes for argon2id), iterations, memory). Readable text.
Status checkScramParams(const ScramParams &p);

/// KDF(password, salt, iterations[, memory]) as described above.
Result<QByteArray> scramSaltedPassword(const QString &password, const ScramParams &p);

/// What a router stores instead of the password: StoredKey = SHA256(HMAC(SaltedPassword, "Client Key")),
/// ServerKey = HMAC(SaltedPassword, "Server Key"), raw 32 bytes each.
struct ScramKeys
{
    QByteArray storedKey;
    QByteArray serverKey;
};
ScramKeys scramKeys(const QByteArray &saltedPassword);
Result<ScramKeys> scramDeriveKeys(const QString &password, const ScramParams &p);

/// base64 of 16 random bytes.
QString scramNonce();

/// The AuthMessage both sides sign (UTF-8).
QByteArray scramAuthMessage(const QString &authid, const QString &clientNonce, const QString &nonce,
                            const ScramParams &p);

/// ClientProof = ClientKey XOR HMAC(StoredKey, AuthMessage), raw 32 bytes.
QByteArray scramClientProof(const QByteArray &saltedPassword, const QByteArray &authMessage);

/// Router check: SHA256(HMAC(StoredKey, AuthMessage) XOR ClientProof) == StoredKey, in constant time.
bool scramVerifyClientProof(const QByteArray &storedKey, const QByteArray &authMessage, const QByteArray &clientProof);

/// ServerSignature = HMAC(ServerKey, AuthMessage), raw 32 bytes.
QByteArray scramServerSignature(const QByteArray &serverKey, const QByteArray &authMessage);

/// Strict canonical base64 decode; nullopt-like empty Result on bad input.
Result<QByteArray> decodeBase64Strict(const QString &text, const QString &what);

} // namespace wb::auth
