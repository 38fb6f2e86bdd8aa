// SPDX-License-Identifier: GPL-3.0-or-later
#include "auth/wampcra.h"

#include <QTest>

using namespace wb::auth;

// Test vectors: ../shared/wamp-notes.md §9.2 (computed with the Autobahn algorithm).
static const char *kChallenge =
    "{\"authid\": \"peter\", \"authrole\": \"user\", \"authmethod\": \"wampcra\", \"authprovider\": \"static\", "
    "\"session\": 3251278072152162, \"nonce\": \"LHRTC9zeOIrt_9U3\", \"timestamp\": \"2014-06-22T16:36:25.448Z\"}";

class TstWampCra : public QObject
{
    Q_OBJECT
private slots:
    void unsalted()
    {
        QCOMPARE(craSign(QByteArray("secret123"), QString::fromUtf8(kChallenge)),
                 QStringLiteral("P7bofxo9/1Brrgp337zO4RxTDZ/fVDVIcTuYO6LS+b0="));
    }
    void salted()
    {
        const QByteArray key = craDeriveKey(QStringLiteral("secret123"), QStringLiteral("salt123"), 1000, 32);
        QCOMPARE(key, QByteArray("Eu7CQLfR+/Ffb+275A4s9/6H/RGKYxM4s6IMrsNKzC8="));
        QCOMPARE(craSign(key, QString::fromUtf8(kChallenge)), QStringLiteral("tT7xl8bHPEpUnJOGivvwg8LSmIm+16fMdW8SzCVrIIA="));
    }
    void wrongSecret()
    {
        QVERIFY(craSign(QByteArray("secret124"), QString::fromUtf8(kChallenge))
                != QStringLiteral("P7bofxo9/1Brrgp337zO4RxTDZ/fVDVIcTuYO6LS+b0="));
    }
    void compare()
    {
        QVERIFY(constantTimeEquals("abc", "abc"));
        QVERIFY(!constantTimeEquals("abc", "abd"));
        QVERIFY(!constantTimeEquals("abc", "ab"));
    }
};

QTEST_APPLESS_MAIN(TstWampCra)
#include "tst_wampcra.moc"
