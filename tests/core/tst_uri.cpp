// SPDX-License-Identifier: GPL-3.0-or-later
#include "wamp/ids.h"
#include "wamp/uri.h"

#include <QTest>

using namespace wb::wamp;

class TstUri : public QObject
{
    Q_OBJECT
private slots:
    void validity_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<bool>("loose");
        QTest::addColumn<bool>("strict");
        QTest::addColumn<bool>("lastEmpty");
        QTest::addColumn<bool>("anyEmpty");
        QTest::newRow("simple") << "com.myapp.topic1" << true << true << true << true;
        QTest::newRow("single") << "topic" << true << true << true << true;
        QTest::newRow("uppercase") << "com.MyApp.x" << true << false << true << true;
        QTest::newRow("dash") << "com.my-app.x" << true << false << true << true;
        QTest::newRow("unicode") << QString::fromUtf8("com.caf\xc3\xa9.x") << true << false << true << true;
        QTest::newRow("empty") << "" << false << false << true << true;
        QTest::newRow("trailing-dot") << "com.myapp." << false << false << true << true;
        QTest::newRow("leading-dot") << ".com.myapp" << false << false << false << true;
        QTest::newRow("double-dot") << "com..x" << false << false << false << true;
        QTest::newRow("space") << "com.my app" << false << false << false << false;
        QTest::newRow("tab") << "com.my\tapp" << false << false << false << false;
        QTest::newRow("hash") << "com.#.x" << false << false << false << false;
    }
    void validity()
    {
        QFETCH(QString, uri);
        QFETCH(bool, loose);
        QFETCH(bool, strict);
        QFETCH(bool, lastEmpty);
        QFETCH(bool, anyEmpty);
        QCOMPARE(isValidUri(uri, UriStrictness::Loose), loose);
        QCOMPARE(isValidUri(uri, UriStrictness::Strict), strict);
        QCOMPARE(isValidUri(uri, UriStrictness::Loose, EmptyComponents::LastOnly), lastEmpty);
        QCOMPARE(isValidUri(uri, UriStrictness::Loose, EmptyComponents::Any), anyEmpty);
        QCOMPARE(uriProblem(uri, UriStrictness::Loose).isEmpty(), loose);
    }
    void matching_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("policy");
        QTest::addColumn<bool>("matches");
        QTest::newRow("exact") << "a.b" << "a.b" << "exact" << true;
        QTest::newRow("exact-no") << "a.b" << "a.bc" << "exact" << false;
        QTest::newRow("prefix-component") << "a.b.c" << "a.b" << "prefix" << true;
        QTest::newRow("prefix-string") << "a.bc" << "a.b" << "prefix" << true; // plain string prefix
        QTest::newRow("prefix-equal") << "a.b" << "a.b" << "prefix" << true;
        QTest::newRow("prefix-no") << "x.b" << "a.b" << "prefix" << false;
        QTest::newRow("wild-one") << "com.myapp.X.proc" << "com.myapp..proc" << "wildcard" << true;
        QTest::newRow("wild-count") << "com.myapp.X.Y.proc" << "com.myapp..proc" << "wildcard" << false;
        QTest::newRow("wild-literal") << "com.other.X.proc" << "com.myapp..proc" << "wildcard" << false;
        QTest::newRow("wild-all") << "a.b.c" << ".." << "wildcard" << true;
    }
    void matching()
    {
        QFETCH(QString, uri);
        QFETCH(QString, pattern);
        QFETCH(QString, policy);
        QFETCH(bool, matches);
        const auto p = parseMatchPolicy(policy);
        QVERIFY(p.has_value());
        QCOMPARE(uriMatches(uri, pattern, *p), matches);
        QCOMPARE(matchPolicyName(*p), policy);
    }
    void badPolicy() { QVERIFY(!parseMatchPolicy(QStringLiteral("foo")).has_value()); }
    void wildcardPrecedence()
    {
        // wamp-notes §11.6 examples
        QVERIFY(wildcardBeats(u"a1.b2.c33..e5", u"a1.b2..d4.e5"));
        QVERIFY(!wildcardBeats(u"a1.b2..d4.e5", u"a1.b2.c33..e5"));
        QVERIFY(wildcardBeats(u"a1.b2..d4.e5..g7", u"a1.b2..d4..f6.g7"));
    }
    void ids()
    {
        for (int i = 0; i < 10000; ++i) {
            const quint64 id = randomId();
            QVERIFY(isValidId(id));
        }
        RequestIdSequence seq;
        QCOMPARE(seq.next(), 1ull);
        QCOMPARE(seq.next(), 2ull);
        seq.reset(kMaxId - 1);
        QCOMPARE(seq.next(), kMaxId);
        QCOMPARE(seq.next(), 1ull); // wraps from 2^53 to 1
        QVERIFY(!isValidId(0));
        QVERIFY(!isValidId(kMaxId + 1));
    }
};

QTEST_APPLESS_MAIN(TstUri)
#include "tst_uri.moc"
