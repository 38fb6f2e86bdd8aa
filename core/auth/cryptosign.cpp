// SPDX-License-Identifier: GPL-3.0-or-later
#include "cryptosign.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <sodium.h>

namespace wb::auth {

namespace {

Error keyError(const QString &message)
{
    return Error{QStringLiteral("auth.key"), message};
}

bool isHex(QStringView text)
{
    for (QChar c : text) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F')))
            return false;
    }
    return true;
}

} // namespace

bool sodiumReady()
{
    static const bool ready = sodium_init() >= 0;
    return ready;
}

QByteArray randomBytes(int count)
{
    QByteArray out(count, Qt::Uninitialized);
    if (!sodiumReady())
        qFatal("libsodium could not be initialised");
    randombytes_buf(out.data(), size_t(out.size()));
    return out;
}

Ed25519KeyPair generateEd25519KeyPair()
{
    return ed25519KeyPairFromSeed(randomBytes(kEd25519SeedBytes));
}

Ed25519KeyPair ed25519KeyPairFromSeed(const QByteArray &seed)
{
    if (seed.size() != kEd25519SeedBytes || !sodiumReady())
        return {};
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char *>(seed.constData()));
    sodium_memzero(sk, sizeof sk);
    return {seed, QByteArray(reinterpret_cast<const char *>(pk), sizeof pk)};
}

Result<QByteArray> decodeHex(const QString &text, int bytes, const QString &what)
{
    if (text.size() != bytes * 2 || !isHex(text))
        return keyError(QStringLiteral("%1 must be %2 hex characters (%3 bytes), got %4 characters%5")
                            .arg(what)
                            .arg(bytes * 2)
                            .arg(bytes)
                            .arg(text.size())
                            .arg(isHex(text) ? QString() : QStringLiteral(" that are not all hex digits")));
    return QByteArray::fromHex(text.toLatin1());
}

QString cryptosignSign(const QByteArray &seed, const QByteArray &challenge, const QByteArray &channelId)
{
    if (seed.size() != kEd25519SeedBytes || challenge.size() != kCryptosignChallengeBytes || !sodiumReady())
        return {};
    if (!channelId.isEmpty() && channelId.size() != kCryptosignChallengeBytes)
        return {};
    QByteArray message = challenge;
    for (qsizetype i = 0; i < channelId.size(); ++i)
        message[i] = char(message.at(i) ^ channelId.at(i));

    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char *>(seed.constData()));
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char *>(message.constData()),
                         size_t(message.size()), sk);
    sodium_memzero(sk, sizeof sk);
    const QByteArray out = QByteArray(reinterpret_cast<const char *>(sig), sizeof sig) + message;
    return QString::fromLatin1(out.toHex());
}

bool cryptosignVerify(const QByteArray &publicKey, const QString &signatureHex, const QByteArray &expectedMessage,
                      QString *why)
{
    auto fail = [why](const QString &text) {
        if (why)
            *why = text;
        return false;
    };
    if (!sodiumReady())
        return fail(QStringLiteral("libsodium is not usable"));
    if (publicKey.size() != kEd25519PublicKeyBytes)
        return fail(QStringLiteral("public key must be 32 bytes"));
    const auto signed_ = decodeHex(signatureHex, kCryptosignSignatureBytes + kCryptosignChallengeBytes,
                                   QStringLiteral("the AUTHENTICATE signature"));
    if (!signed_)
        return fail(signed_.errorString());
    const QByteArray sig = signed_->left(kCryptosignSignatureBytes);
    const QByteArray message = signed_->mid(kCryptosignSignatureBytes);
    if (message.size() != expectedMessage.size()
        || sodium_memcmp(message.constData(), expectedMessage.constData(), size_t(message.size())) != 0)
        return fail(QStringLiteral("the signed message is not the challenge that was sent"));
    if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(sig.constData()),
                                    reinterpret_cast<const unsigned char *>(message.constData()), size_t(message.size()),
                                    reinterpret_cast<const unsigned char *>(publicKey.constData()))
        != 0)
        return fail(QStringLiteral("the Ed25519 signature does not verify with the public key"));
    return true;
}

Result<QByteArray> readPrivateKeyFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return keyError(QStringLiteral("cannot read private key file %1: %2").arg(path, f.errorString()));
    const QFileDevice::Permissions perms = f.permissions();
    if (perms & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteGroup | QFileDevice::WriteOther))
        return keyError(QStringLiteral("private key file %1 is accessible by group or others; "
                                       "restrict it with: chmod 600 %1")
                            .arg(path));
    if (f.size() > 64 * 1024)
        return keyError(QStringLiteral("private key file %1 is too large to be a key file").arg(path));
    const QString text = QString::fromUtf8(f.readAll());
    QString seedHex;
    QString publicHex;
    QStringList bare; // lines without a tag: a bare seed (or free comment text before the blank line, as Autobahn allows)
    for (const QString &raw : text.split(u'\n')) {
        const QString line = raw.trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const qsizetype colon = line.indexOf(u':');
        if (colon < 0) {
            bare.append(line);
            continue;
        }
        const QString tag = line.left(colon).trimmed().toLower();
        const QString value = line.mid(colon + 1).trimmed();
        if (tag == u"private-key-ed25519")
            seedHex = value;
        else if (tag == u"public-key-ed25519")
            publicHex = value;
        // other tags (creator, created-at, machine-id, ... in Crossbar's key.priv) are informational
    }
    if (seedHex.isEmpty() && bare.size() == 1)
        seedHex = bare.first();
    if (seedHex.isEmpty())
        return keyError(QStringLiteral("%1 holds no private key (expected a line \"private-key-ed25519: <64 hex>\" "
                                       "or only the 64-hex seed)")
                            .arg(path));
    auto seed = decodeHex(seedHex, kEd25519SeedBytes, QStringLiteral("the private key in %1").arg(path));
    if (!seed)
        return seed;
    if (!publicHex.isEmpty()) {
        const Ed25519KeyPair kp = ed25519KeyPairFromSeed(*seed);
        if (QString::fromLatin1(kp.publicKey.toHex()) != publicHex.toLower())
            return keyError(QStringLiteral("%1: public-key-ed25519 does not belong to private-key-ed25519").arg(path));
    }
    return seed;
}

Status writePrivateKeyFile(const QString &path, const Ed25519KeyPair &key)
{
    if (QFileInfo::exists(path))
        return keyError(QStringLiteral("%1 already exists; not overwriting a key file").arg(path));
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return keyError(QStringLiteral("cannot write %1: %2").arg(path, f.errorString()));
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    // Comment, blank line, tags: the layout of Crossbar's key.priv that Autobahn's CryptosignKey.from_keyfile() reads.
    const QByteArray text = QByteArrayLiteral("Wampscope WAMP-cryptosign private key (Ed25519). Keep it secret: mode 0600.\n\n")
                            + "public-key-ed25519: " + key.publicKey.toHex() + '\n'
                            + "private-key-ed25519: " + key.seed.toHex() + '\n';
    f.write(text);
    if (!f.commit())
        return keyError(QStringLiteral("cannot write %1: %2").arg(path, f.errorString()));
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return {};
}

} // namespace wb::auth
