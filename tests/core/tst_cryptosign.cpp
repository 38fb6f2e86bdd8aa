// SPDX-License-Identifier: GPL-3.0-or-later
#include "auth/cryptosign.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace wb::auth;

// Test vectors: ../shared/wamp-notes.md §9.3 (from the WAMP spec).
static const QString kSeed = QStringLiteral("4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510");
static const QString kPublic = QStringLiteral("1adfc8bfe1d35616e64dffbd900096f23b066f914c8c2ffbb66f6075b96e116d");
static const QString kChannelId = QStringLiteral("62e935ae755f3d48f80d4d59f6121358c435722a67e859cc0caa8b539027f2ff");
static const QString kSigNoBinding = QStringLiteral(
    "b32675b221f08593213737bef8240e7c15228b07028e19595294678c90d11c0cae80a357331bfc5cc9fb71081464e6e75013517c2cf067ad566a6b7b728e5d03"
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
static const QString kSigWithBinding = QStringLiteral(
    "9b6f41540c9b95b4b7b281c3042fa9c54cef43c842d62ea3fd6030fcb66e70b3e80d49d44c29d1635da9348d02ec93f3ed1ef227dfb59a07b580095c2b82f80f"
    "9d16ca518aa0c2b707f2b2a609edeca73bca8dd59817a633f35574ac6fd80d00");

static QByteArray hex(const QString &h) { return QByteArray::fromHex(h.toLatin1()); }

class TstCryptosign : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(sodiumReady()); }

    void publicKeyFromSeed()
    {
        const Ed25519KeyPair kp = ed25519KeyPairFromSeed(hex(kSeed));
        QCOMPARE(QString::fromLatin1(kp.publicKey.toHex()), kPublic);
        QCOMPARE(kp.seed, hex(kSeed));
        QVERIFY(ed25519KeyPairFromSeed(QByteArray(31, 'x')).publicKey.isEmpty());
    }

    void specVectors_data()
    {
        QTest::addColumn<QString>("channelId");
        QTest::addColumn<QString>("signature");
        QTest::newRow("no channel binding") << QString() << kSigNoBinding;
        QTest::newRow("tls-unique channel id") << kChannelId << kSigWithBinding;
    }
    void specVectors()
    {
        QFETCH(QString, channelId);
        QFETCH(QString, signature);
        const QByteArray challenge(32, char(0xff));
        QCOMPARE(cryptosignSign(hex(kSeed), challenge, hex(channelId)), signature);

        // The router side accepts exactly that signature for the (bound) message.
        QByteArray expected = challenge;
        const QByteArray cid = hex(channelId);
        for (qsizetype i = 0; i < cid.size(); ++i)
            expected[i] = char(expected.at(i) ^ cid.at(i));
        QString why;
        QVERIFY2(cryptosignVerify(hex(kPublic), signature, expected, &why), qPrintable(why));
    }

    void roundTripWithFreshKeys()
    {
        const Ed25519KeyPair a = generateEd25519KeyPair();
        const Ed25519KeyPair b = generateEd25519KeyPair();
        QCOMPARE(a.seed.size(), 32);
        QCOMPARE(a.publicKey.size(), 32);
        QVERIFY(a.seed != b.seed);
        const QByteArray challenge = randomBytes(32);
        const QString sig = cryptosignSign(a.seed, challenge);
        QCOMPARE(sig.size(), 192);
        QVERIFY(cryptosignVerify(a.publicKey, sig, challenge));
        QString why;
        QVERIFY(!cryptosignVerify(b.publicKey, sig, challenge, &why)); // another user's key
        QVERIFY2(why.contains(QStringLiteral("does not verify")), qPrintable(why));
    }

    void rejections_data()
    {
        QTest::addColumn<QString>("signature");
        QTest::addColumn<QString>("why");
        QString flipped = kSigNoBinding;
        flipped[10] = flipped.at(10) == u'0' ? u'1' : u'0';
        QString otherMessage = kSigNoBinding.left(128) + QString(64, u'e');
        QTest::newRow("tampered signature") << flipped << QStringLiteral("does not verify");
        QTest::newRow("signed another message") << otherMessage << QStringLiteral("not the challenge");
        QTest::newRow("signature only (64 bytes)") << kSigNoBinding.left(128) << QStringLiteral("192 hex");
        QTest::newRow("not hex") << QString(192, u'z') << QStringLiteral("hex");
        QTest::newRow("empty") << QString() << QStringLiteral("192 hex");
    }
    void rejections()
    {
        QFETCH(QString, signature);
        QFETCH(QString, why);
        QString reason;
        QVERIFY(!cryptosignVerify(hex(kPublic), signature, QByteArray(32, char(0xff)), &reason));
        QVERIFY2(reason.contains(why), qPrintable(reason));
    }

    void decodeHexChecks()
    {
        QVERIFY(decodeHex(kPublic, 32, QStringLiteral("key")).ok());
        QVERIFY(decodeHex(kPublic.toUpper(), 32, QStringLiteral("key")).ok());
        const auto shortKey = decodeHex(kPublic.left(62), 32, QStringLiteral("key"));
        QVERIFY(!shortKey.ok());
        QVERIFY2(shortKey.errorString().contains(QStringLiteral("64 hex characters")), qPrintable(shortKey.errorString()));
        QVERIFY(!decodeHex(QString(64, u'g'), 32, QStringLiteral("key")).ok());
    }

    void keyFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("client.key"));
        const Ed25519KeyPair kp = ed25519KeyPairFromSeed(hex(kSeed));
        QVERIFY(writePrivateKeyFile(path, kp).ok());
        QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
        const auto read = readPrivateKeyFile(path);
        QVERIFY2(read.ok(), qPrintable(read.errorString()));
        QCOMPARE(*read, kp.seed);
        QVERIFY(!writePrivateKeyFile(path, kp).ok()); // never overwritten

        // A bare 64-hex seed file works too; a world-readable file is refused.
        const QString bare = dir.filePath(QStringLiteral("bare.key"));
        QFile f(bare);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kSeed.toLatin1() + "\n");
        f.close();
        QFile::setPermissions(bare, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);
        const auto refused = readPrivateKeyFile(bare);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.errorString().contains(QStringLiteral("chmod 600")), qPrintable(refused.errorString()));
        QFile::setPermissions(bare, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QCOMPARE(*readPrivateKeyFile(bare), kp.seed);

        // A public key that does not belong to the private key is caught.
        const QString mismatched = dir.filePath(QStringLiteral("mismatch.key"));
        QFile m(mismatched);
        QVERIFY(m.open(QIODevice::WriteOnly));
        m.write("public-key-ed25519: " + QByteArray(64, 'a') + "\nprivate-key-ed25519: " + kSeed.toLatin1() + "\n");
        m.close();
        QFile::setPermissions(mismatched, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QVERIFY(!readPrivateKeyFile(mismatched).ok());
        QVERIFY(!readPrivateKeyFile(dir.filePath(QStringLiteral("missing.key"))).ok());
    }
};

QTEST_APPLESS_MAIN(TstCryptosign)
#include "tst_cryptosign.moc"
