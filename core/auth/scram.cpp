// SPDX-License-Identifier: GPL-3.0-or-later
#include "scram.h"

#include "cryptosign.h"
#include "wampcra.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QPasswordDigestor>

#include <sodium.h>

namespace wb::auth {

namespace {

Error scramError(const QString &message)
{
    return Error{QStringLiteral("auth.scram"), message};
}

QByteArray hmac(const QByteArray &key, const QByteArray &message)
{
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256);
}

QByteArray xorBytes(const QByteArray &a, const QByteArray &b)
{
    QByteArray out = a;
    for (qsizetype i = 0; i < out.size() && i < b.size(); ++i)
        out[i] = char(out.at(i) ^ b.at(i));
    return out;
}

constexpr int kMaxMemoryKiB = 4 * 1024 * 1024; // 4 GiB
constexpr int kMaxIterations = 10000000;

} // namespace

ScramParams defaultScramParams(const QString &kdf)
{
    ScramParams p;
    p.kdf = kdf;
    p.salt = QString::fromLatin1(randomBytes(16).toBase64());
    if (kdf == kScramKdfPbkdf2) {
        p.iterations = 100000;
    } else {
        // libsodium's "interactive" argon2id limits: 2 passes, 64 MiB.
        p.iterations = 2;
        p.memory = 65536;
    }
    return p;
}

Result<QByteArray> decodeBase64Strict(const QString &text, const QString &what)
{
    const auto r = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!r || text.isEmpty() || QString::fromLatin1(r.decoded.toBase64()) != text)
        return scramError(QStringLiteral("%1 must be canonical base64, got \"%2\"").arg(what, text.left(80)));
    return r.decoded;
}

Status checkScramParams(const ScramParams &p)
{
    if (p.kdf != kScramKdfArgon2id && p.kdf != kScramKdfPbkdf2)
        return scramError(QStringLiteral("kdf must be %1 or %2, got \"%3\"").arg(kScramKdfArgon2id, kScramKdfPbkdf2, p.kdf));
    const auto salt = decodeBase64Strict(p.salt, QStringLiteral("salt"));
    if (!salt)
        return salt.error();
    if (p.kdf == kScramKdfArgon2id) {
        if (salt->size() != 16)
            return scramError(QStringLiteral("salt must decode to 16 bytes for argon2id-13, got %1").arg(salt->size()));
        if (p.iterations < 1 || p.iterations > 1000)
            return scramError(QStringLiteral("iterations must be between 1 and 1000 for argon2id-13, got %1").arg(p.iterations));
        if (p.memory < 8 || p.memory > kMaxMemoryKiB)
            return scramError(QStringLiteral("memory must be between 8 and %1 KiB for argon2id-13, got %2")
                                  .arg(kMaxMemoryKiB)
                                  .arg(p.memory));
    } else {
        if (salt->isEmpty())
            return scramError(QStringLiteral("salt must not be empty"));
        if (p.iterations < 1 || p.iterations > kMaxIterations)
            return scramError(QStringLiteral("iterations must be between 1 and %1 for pbkdf2, got %2")
                                  .arg(kMaxIterations)
                                  .arg(p.iterations));
    }
    return {};
}

Result<QByteArray> scramSaltedPassword(const QString &password, const ScramParams &p)
{
    const Status valid = checkScramParams(p);
    if (!valid)
        return valid.error();
    const QByteArray salt = QByteArray::fromBase64(p.salt.toLatin1());
    const QByteArray pw = password.toUtf8();
    if (p.kdf == kScramKdfPbkdf2)
        return QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, pw, salt, p.iterations, 32);

    if (!sodiumReady())
        return scramError(QStringLiteral("libsodium is not usable"));
    unsigned char out[32];
    if (crypto_pwhash(out, sizeof out, pw.constData(), size_t(pw.size()),
                      reinterpret_cast<const unsigned char *>(salt.constData()), (unsigned long long)p.iterations,
                      size_t(p.memory) * 1024u, crypto_pwhash_ALG_ARGON2ID13)
        != 0)
        return scramError(QStringLiteral("argon2id-13 failed (out of memory for %1 KiB?)").arg(p.memory));
    // Autobahn/Crossbar use the hash as it appears in argon2's encoded string: base64 without padding.
    const QByteArray text = QByteArray(reinterpret_cast<const char *>(out), sizeof out)
                                .toBase64(QByteArray::OmitTrailingEquals);
    sodium_memzero(out, sizeof out);
    return text;
}

ScramKeys scramKeys(const QByteArray &saltedPassword)
{
    const QByteArray clientKey = hmac(saltedPassword, QByteArrayLiteral("Client Key"));
    return {QCryptographicHash::hash(clientKey, QCryptographicHash::Sha256),
            hmac(saltedPassword, QByteArrayLiteral("Server Key"))};
}

Result<ScramKeys> scramDeriveKeys(const QString &password, const ScramParams &p)
{
    const auto salted = scramSaltedPassword(password, p);
    if (!salted)
        return salted.error();
    return scramKeys(*salted);
}

QString scramNonce()
{
    return QString::fromLatin1(randomBytes(16).toBase64());
}

QByteArray scramAuthMessage(const QString &authid, const QString &clientNonce, const QString &nonce,
                            const ScramParams &p)
{
    return QStringLiteral("n=%1,r=%2,r=%3,s=%4,i=%5,c=,r=%3")
        .arg(authid, clientNonce, nonce, p.salt)
        .arg(p.iterations)
        .toUtf8();
}

QByteArray scramClientProof(const QByteArray &saltedPassword, const QByteArray &authMessage)
{
    const QByteArray clientKey = hmac(saltedPassword, QByteArrayLiteral("Client Key"));
    const QByteArray storedKey = QCryptographicHash::hash(clientKey, QCryptographicHash::Sha256);
    return xorBytes(clientKey, hmac(storedKey, authMessage));
}

bool scramVerifyClientProof(const QByteArray &storedKey, const QByteArray &authMessage, const QByteArray &clientProof)
{
    if (clientProof.size() != 32 || storedKey.size() != 32)
        return false;
    const QByteArray clientKey = xorBytes(hmac(storedKey, authMessage), clientProof);
    return constantTimeEquals(QCryptographicHash::hash(clientKey, QCryptographicHash::Sha256), storedKey);
}

QByteArray scramServerSignature(const QByteArray &serverKey, const QByteArray &authMessage)
{
    return hmac(serverKey, authMessage);
}

} // namespace wb::auth
