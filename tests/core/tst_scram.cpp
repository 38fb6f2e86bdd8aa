// SPDX-License-Identifier: GPL-3.0-or-later
#include "auth/scram.h"

#include <QTest>

using namespace wb::auth;

// Vectors computed with Python's hashlib/hmac and PyNaCl (libsodium's argon2id) following Autobahn|Python's
// auth.py (AuthScram) and Crossbar's router/auth/scram.py: empty "c=", argon2id SaltedPassword = unpadded base64
// text of the hash, salt base64-decoded before hashing. Password "pencil", authid "user", RFC 7677's salt and nonces.
static const QString kSalt = QStringLiteral("W22ZaJ0SNY7soEsUEjb6gQ==");
static const QString kClientNonce = QStringLiteral("rOprNGfwEbeRWgbNEkqO");
static const QString kNonce = QStringLiteral("rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");

class TstScram : public QObject
{
    Q_OBJECT
private slots:
    void authMessage()
    {
        const ScramParams p{kScramKdfPbkdf2, kSalt, 4096, 0};
        QCOMPARE(scramAuthMessage(QStringLiteral("user"), kClientNonce, kNonce, p),
                 QByteArray("n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                            "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"));
    }

    void vectors_data()
    {
        QTest::addColumn<QString>("kdf");
        QTest::addColumn<int>("iterations");
        QTest::addColumn<int>("memory");
        QTest::addColumn<QByteArray>("saltedPassword"); // hex for pbkdf2, the base64 text for argon2id
        QTest::addColumn<QString>("storedKey");
        QTest::addColumn<QString>("serverKey");
        QTest::addColumn<QString>("proof");
        QTest::addColumn<QString>("serverSignature");
        QTest::newRow("argon2id-13 t=2 m=1024")
            << kScramKdfArgon2id << 2 << 1024 << QByteArray("Xsb8nxNc7ts5fHkwg06z9PVtP3X03TGH8YrXFXhiDAE")
            << QStringLiteral("8f9df5c2e06efa834278aa711791899d0c6ba9104989c3389ec06443aadeebcc")
            << QStringLiteral("03cd80b4b0d8e69134f98cf2e672122cae612084f1e394ecda147330dde26187")
            << QStringLiteral("RlPOTPtppA5jSiKyRpEQG0h3Mo7y5p5qTDnAosgZWp0=")
            << QStringLiteral("G/3Dg+1+TCzgPa+2V0MQNpdMw1qk7oNUCXyJ71rNVPs=");
        QTest::newRow("pbkdf2 i=4096")
            << kScramKdfPbkdf2 << 4096 << 0
            << QByteArray::fromHex("c4a49510323ab4f952cac1fa99441939e78ea74d6be81ddf7096e87513dc615d")
            << QStringLiteral("586e5df283e6dceb5c3e791d8b8528ec191e664045ce971792e2e6b5bb13e2a6")
            << QStringLiteral("c1f3cbc1c13a9d35a14c0990eed97629ea225863e566a4314ab99f3f00e5d9d5")
            << QStringLiteral("6VE4gUvL62nexvdy4ZPkOehSEQHBzwbNYx3O3vVAfcs=")
            << QStringLiteral("hdXzCr1KTPA40J9k+cRMysJLGx7tys0vLs8WpH0hQao=");
    }
    void vectors()
    {
        QFETCH(QString, kdf);
        QFETCH(int, iterations);
        QFETCH(int, memory);
        QFETCH(QByteArray, saltedPassword);
        QFETCH(QString, storedKey);
        QFETCH(QString, serverKey);
        QFETCH(QString, proof);
        QFETCH(QString, serverSignature);
        const ScramParams p{kdf, kSalt, iterations, memory};
        const auto salted = scramSaltedPassword(QStringLiteral("pencil"), p);
        QVERIFY2(salted.ok(), qPrintable(salted.errorString()));
        QCOMPARE(*salted, saltedPassword);
        const ScramKeys keys = scramKeys(*salted);
        QCOMPARE(QString::fromLatin1(keys.storedKey.toHex()), storedKey);
        QCOMPARE(QString::fromLatin1(keys.serverKey.toHex()), serverKey);
        const QByteArray am = scramAuthMessage(QStringLiteral("user"), kClientNonce, kNonce, p);
        const QByteArray clientProof = scramClientProof(*salted, am);
        QCOMPARE(QString::fromLatin1(clientProof.toBase64()), proof);
        QCOMPARE(QString::fromLatin1(scramServerSignature(keys.serverKey, am).toBase64()), serverSignature);
        QVERIFY(scramVerifyClientProof(keys.storedKey, am, clientProof));
    }

    void wrongPasswordIsRejected_data()
    {
        QTest::addColumn<QString>("kdf");
        QTest::newRow("argon2id-13") << kScramKdfArgon2id;
        QTest::newRow("pbkdf2") << kScramKdfPbkdf2;
    }
    void wrongPasswordIsRejected()
    {
        QFETCH(QString, kdf);
        ScramParams p = defaultScramParams(kdf);
        p.iterations = kdf == kScramKdfPbkdf2 ? 1000 : 1;
        p.memory = kdf == kScramKdfPbkdf2 ? 0 : 256;
        const auto keys = scramDeriveKeys(QStringLiteral("correct horse"), p);
        QVERIFY(keys.ok());
        const QString cn = scramNonce();
        const QString nonce = cn + scramNonce();
        const QByteArray am = scramAuthMessage(QStringLiteral("carol"), cn, nonce, p);
        const auto good = scramSaltedPassword(QStringLiteral("correct horse"), p);
        const auto bad = scramSaltedPassword(QStringLiteral("correct horsE"), p);
        QVERIFY(scramVerifyClientProof(keys->storedKey, am, scramClientProof(*good, am)));
        QVERIFY(!scramVerifyClientProof(keys->storedKey, am, scramClientProof(*bad, am)));
        // A proof for another AuthMessage (replayed with another nonce) fails too.
        const QByteArray other = scramAuthMessage(QStringLiteral("carol"), cn, cn + scramNonce(), p);
        QVERIFY(!scramVerifyClientProof(keys->storedKey, other, scramClientProof(*good, am)));
        QVERIFY(!scramVerifyClientProof(keys->storedKey, am, QByteArray(31, 'x')));
    }

    void paramChecks_data()
    {
        QTest::addColumn<QString>("kdf");
        QTest::addColumn<QString>("salt");
        QTest::addColumn<int>("iterations");
        QTest::addColumn<int>("memory");
        QTest::addColumn<QString>("error"); // empty: valid
        QTest::newRow("argon2id ok") << kScramKdfArgon2id << kSalt << 2 << 1024 << QString();
        QTest::newRow("pbkdf2 ok") << kScramKdfPbkdf2 << QStringLiteral("c2FsdA==") << 1000 << 0 << QString();
        QTest::newRow("unknown kdf") << QStringLiteral("argon2id13") << kSalt << 2 << 1024 << QStringLiteral("kdf must be");
        QTest::newRow("salt not base64") << kScramKdfPbkdf2 << QStringLiteral("not base64!") << 1000 << 0 << QStringLiteral("base64");
        QTest::newRow("argon2 salt not 16 bytes") << kScramKdfArgon2id << QStringLiteral("c2FsdA==") << 2 << 1024 << QStringLiteral("16 bytes");
        QTest::newRow("argon2 memory too small") << kScramKdfArgon2id << kSalt << 2 << 4 << QStringLiteral("memory");
        QTest::newRow("zero iterations") << kScramKdfPbkdf2 << kSalt << 0 << 0 << QStringLiteral("iterations");
    }
    void paramChecks()
    {
        QFETCH(QString, kdf);
        QFETCH(QString, salt);
        QFETCH(int, iterations);
        QFETCH(int, memory);
        QFETCH(QString, error);
        const wb::Status s = checkScramParams({kdf, salt, iterations, memory});
        QCOMPARE(s.ok(), error.isEmpty());
        if (!error.isEmpty())
            QVERIFY2(s.errorString().contains(error), qPrintable(s.errorString()));
        QCOMPARE(scramSaltedPassword(QStringLiteral("x"), {kdf, salt, iterations, memory}).ok(), error.isEmpty());
    }

    void defaults()
    {
        for (const QString &kdf : {kScramKdfArgon2id, kScramKdfPbkdf2}) {
            const ScramParams p = defaultScramParams(kdf);
            QVERIFY(checkScramParams(p).ok());
            QCOMPARE(QByteArray::fromBase64(p.salt.toLatin1()).size(), 16);
            QVERIFY(defaultScramParams(kdf).salt != p.salt); // random
        }
        QCOMPARE(QByteArray::fromBase64(scramNonce().toLatin1()).size(), 16);
    }
};

QTEST_APPLESS_MAIN(TstScram)
#include "tst_scram.moc"
