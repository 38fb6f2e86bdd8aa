// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in router in process: caller identification (wamp-notes §11.5, the realm's disclose_caller policy)
// and the PubSub black/white lists by session, authid and authrole (§12.1).

#include "dealertestsupport.h"

#include "router/router.h"
#include "wamp/errors.h"
#include "wamp/ids.h"

#include <QSignalSpy>
#include <QTest>

using namespace wb;
using namespace wb::wamp;
using namespace wb::testing::dealertests;
using wb::codec::SerializerId;
using wb::router::Router;
using wb::router::RouterConfig;
using wb::testing::FakePeer;
using wb::testing::RouterHarness;
using wb::testing::s;

class TstDisclosure : public QObject
{
    Q_OBJECT

private:
    RouterHarness m_h;

private slots:
    void init() { QVERIFY2(m_h.start(dealerConfig()), qPrintable(m_h.error())); }

    void cleanup() { m_h.reset(); }

    // ------------------------------------------------------------------ caller identification (§11.5)

    void callerDisclosure_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<bool>("discloseMe");
        QTest::addColumn<bool>("discloseCaller"); // REGISTER.Options.disclose_caller
        QTest::addColumn<QString>("expected");    // "disclosed", "hidden" or an error URI
        QTest::newRow("on_request-none") << s("on_request") << false << false << s("hidden");
        QTest::newRow("on_request-caller") << s("on_request") << true << false << s("disclosed");
        QTest::newRow("on_request-callee") << s("on_request") << false << true << s("disclosed");
        QTest::newRow("always") << s("always") << false << false << s("disclosed");
        QTest::newRow("never-callee") << s("never") << false << true << s("hidden");
        QTest::newRow("never-caller") << s("never") << true << false << s("wamp.error.option_disallowed.disclose_me");
    }
    void callerDisclosure()
    {
        QFETCH(QString, policy);
        QFETCH(bool, discloseMe);
        QFETCH(bool, discloseCaller);
        QFETCH(QString, expected);
        QVERIFY2(m_h.start(dealerConfig(policy)), qPrintable(m_h.error()));
        FakePeer *callee = m_h.joined(s("ws"));
        quint64 callerId = 0;
        FakePeer *caller = joinedAsAlice(m_h, callerId);
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.who"), discloseCaller ? Dict{{s("disclose_caller"), true}} : Dict())->type(),
                 MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, discloseMe ? Dict{{s("disclose_me"), true}} : Dict(), s("com.who")));
        if (expected != u"disclosed" && expected != u"hidden") {
            const auto err = caller->waitReply(req, {MessageType::Result});
            QCOMPARE(err->uri(), expected);
            QVERIFY(callee->barrier()); // its own round trip: anything routed to it before is here
            QCOMPARE(callee->pending(MessageType::Invocation), 0);
            return;
        }
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        const Dict d = dictAt(*inv, 3);
        if (expected == u"disclosed") {
            QCOMPARE(d.value(s("caller")).toUInt64().value_or(0), callerId);
            QCOMPARE(d.value(s("caller_authid")), Value(s("alice")));
            QCOMPARE(d.value(s("caller_authrole")), Value(s("admin")));
        } else {
            QVERIFY(!d.contains(s("caller")) && !d.contains(s("caller_authid")) && !d.contains(s("caller_authrole")));
        }
        callee->send(Message::yield(inv->requestId(), {}));
        QCOMPARE(caller->waitReply(req, {MessageType::Result})->type(), MessageType::Result);
    }

    void discloseCallerConfig()
    {
        auto ok = RouterConfig::fromJson(R"({"realms":[{"name":"realm1","disclose_caller":"always"}]})");
        QVERIFY2(ok.ok(), qPrintable(ok.errorString()));
        QCOMPARE(ok->realms.at(0).discloseCaller, s("always"));
        QCOMPARE(RouterConfig::fromJson(R"({"realms":[{"name":"realm1"}]})")->realms.at(0).discloseCaller, s("on_request"));
        auto bad = RouterConfig::fromJson(R"({"realms":[{"name":"realm1","disclose_caller":"sometimes"}]})");
        QVERIFY(!bad.ok());
        QVERIFY(bad.errorString().contains(s("disclose_caller")));
        QVERIFY(!RouterConfig::fromJson(R"({"realms":[{"name":"realm1","disclose_caller":true}]})").ok());
    }

    // ------------------------------------------------------------------ PubSub black/white lists (§12.1)

    void blackWhiteListsByAuth()
    {
        // alice (authrole admin, ticket) and an anonymous session subscribe; the publisher filters by authid/authrole.
        FakePeer *anon = m_h.joined(s("ws"));
        quint64 aliceId = 0;
        FakePeer *alice = joinedAsAlice(m_h, aliceId, SerializerId::Cbor);
        FakePeer *pub = m_h.joined(s("ws"));
        QVERIFY2(anon && alice && pub, qPrintable(m_h.error()));
        QCOMPARE(anon->subscribe(s("com.bw"))->type(), MessageType::Subscribed);
        QCOMPARE(alice->subscribe(s("com.bw"))->type(), MessageType::Subscribed);
        const QList<std::pair<Dict, QString>> cases = {
            {{{s("exclude_authid"), List{s("alice")}}}, s("not-alice")},
            {{{s("eligible_authid"), List{s("alice")}}}, s("only-alice")},
            {{{s("eligible_authrole"), List{s("admin")}}}, s("only-admin")},
            {{{s("exclude_authrole"), List{s("admin")}}}, s("not-admin")},
            {{{s("eligible_authrole"), List{s("admin"), s("anonymous")}}, {s("exclude"), List{aliceId}}}, s("and")},
            {{{s("eligible"), List{}}}, s("nobody")},
            {{}, s("end")},
        };
        for (const auto &[options, marker] : cases)
            pub->send(Message::publish(pub->nextRequestId(), options, s("com.bw"), {marker}));
        auto markers = [](FakePeer *peer) {
            QStringList out;
            while (out.isEmpty() || out.last() != u"end") {
                const auto e = peer->waitFor(MessageType::Event);
                if (!e)
                    break;
                out.append(e->args().value(0).toString());
            }
            return out;
        };
        QCOMPARE(markers(alice), (QStringList{s("only-alice"), s("only-admin"), s("end")}));
        QCOMPARE(markers(anon), (QStringList{s("not-alice"), s("not-admin"), s("and"), s("end")}));
    }
};

QTEST_GUILESS_MAIN(TstDisclosure)
#include "tst_disclosure.moc"
