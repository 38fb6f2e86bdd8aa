// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in router in process: publish and subscribe, pattern-based subscriptions, and one encoding per
// (publication, serializer).

#include "routertestconfig.h"

#include "codec/serializer.h"
#include "router/router.h"
#include "wamp/errors.h"
#include "wamp/ids.h"

#include <QSignalSpy>
#include <QTest>

using namespace wb;
using namespace wb::wamp;
using namespace wb::testing::routertests;
using wb::codec::SerializerId;
using wb::router::Router;
using wb::router::RouterConfig;
using wb::router::SessionInfo;
using wb::testing::FakePeer;
using wb::testing::RouterHarness;
using wb::testing::s;

class TstRouterPubSub : public QObject
{
    Q_OBJECT

private:
    RouterHarness m_h;

private slots:
    void init()
    {
        m_h.clearLog();
        QVERIFY2(m_h.start(testConfig()), qPrintable(m_h.error()));
    }

    void cleanup() { m_h.reset(); }

    // ------------------------------------------------------------------ publish & subscribe

    void pubsub_data() { RouterHarness::addTransportRows(); }
    void pubsub()
    {
        QFETCH(QString, kind);
        FakePeer *a = m_h.joined(kind);
        FakePeer *b = m_h.joined(kind, SerializerId::MsgPack);
        FakePeer *p = m_h.joined(kind, SerializerId::Cbor);
        QVERIFY2(a && b && p, qPrintable(m_h.error()));
        const auto sa = a->subscribe(s("com.t"));
        const auto sb = b->subscribe(s("com.t"));
        const auto sp = p->subscribe(s("com.t"));
        QVERIFY(sa && sb && sp);
        QCOMPARE(sa->type(), MessageType::Subscribed);
        const quint64 subId = sa->at(2).toUInt64().value_or(0);
        QVERIFY(isValidId(subId));
        QCOMPARE(sb->at(2).toUInt64().value_or(0), subId); // one ID per (topic, match), shared
        // Re-subscribing returns the existing ID.
        QCOMPARE(a->subscribe(s("com.t"))->at(2).toUInt64().value_or(0), subId);
        // A different match policy is a different subscription.
        const auto prefixSub = a->subscribe(s("com.t"), {{s("match"), s("prefix")}});
        QVERIFY(prefixSub->at(2).toUInt64().value_or(0) != subId);
        const quint64 prefixId = prefixSub->at(2).toUInt64().value_or(0);

        // Default: publisher excluded, no PUBLISHED; payload intact.
        const List args{1, s("two"), List{3}, Dict{{s("four"), 4}}};
        const Dict kwargs{{s("k"), List{true, Value()}}};
        p->send(Message::publish(p->nextRequestId(), {}, s("com.t"), args, kwargs));
        auto ea = a->waitFor(MessageType::Event);
        auto ea2 = a->waitFor(MessageType::Event); // exact and prefix subscription: two EVENTs
        auto eb = b->waitFor(MessageType::Event);
        QVERIFY(ea && ea2 && eb);
        QCOMPARE(eb->at(1).toUInt64().value_or(0), subId);
        QCOMPARE(eb->args(), args);
        QCOMPARE(eb->kwargs(), kwargs);
        QCOMPARE(dictAt(*eb, 3), Dict()); // exact subscription: no topic, publisher not disclosed
        QCOMPARE(ea->at(2), ea2->at(2));  // same publication ID
        const QSet<quint64> aSubs{ea->at(1).toUInt64().value_or(0), ea2->at(1).toUInt64().value_or(0)};
        QCOMPARE(aSubs, (QSet<quint64>{subId, prefixId}));
        const Message &prefixEvent = ea->at(1).toUInt64() == prefixId ? *ea : *ea2;
        QCOMPARE(dictAt(prefixEvent, 3).value(s("topic")), Value(s("com.t")));

        // exclude_me:false + acknowledge + disclose_me: the publisher gets its own event; PUBLISHED matches.
        quint64 req = p->nextRequestId();
        p->send(Message::publish(req, {{s("exclude_me"), false}, {s("acknowledge"), true}, {s("disclose_me"), true}}, s("com.t")));
        const auto published = p->waitReply(req, {MessageType::Published});
        QVERIFY(published);
        QCOMPARE(published->type(), MessageType::Published);
        const auto own = p->waitFor(MessageType::Event);
        QVERIFY(own);
        QCOMPARE(own->at(2), published->at(2));
        QCOMPARE(own->size(), 4); // no payload: none sent
        const Dict disclosed = dictAt(*own, 3);
        QCOMPARE(disclosed.value(s("publisher")).toUInt64().value_or(0), p->sessionId());
        QCOMPARE(disclosed.value(s("publisher_authrole")), Value(s("anonymous")));
        QVERIFY(!disclosed.value(s("publisher_authid")).toString().isEmpty());
        QVERIFY(b->waitFor(MessageType::Event));
        QCOMPARE(a->waitFor(MessageType::Event)->at(2), published->at(2));
        QCOMPARE(a->waitFor(MessageType::Event)->at(2), published->at(2));
        QVERIFY(p->barrier()); // its own round trip: anything routed to it before is here
        QCOMPARE(p->pending(MessageType::Published), 0); // nothing else was acknowledged

        // eligible / exclude (session IDs), eligible_authid / exclude_authrole.
        auto publishMarked = [&](const Dict &options, const QString &marker) {
            p->send(Message::publish(p->nextRequestId(), options, s("com.t"), {marker}));
        };
        const QString aAuthid = m_h.router()->sessions().at(0).authid;
        QCOMPARE(m_h.router()->sessions().at(0).id, a->sessionId());
        publishMarked({{s("eligible"), List{a->sessionId()}}}, s("eligible-a"));
        publishMarked({{s("exclude"), List{a->sessionId()}}}, s("exclude-a"));
        publishMarked({{s("eligible_authid"), List{aAuthid}}}, s("eligible-authid-a"));
        publishMarked({{s("exclude_authrole"), List{s("anonymous")}}}, s("nobody"));
        publishMarked({{s("eligible"), List{a->sessionId(), b->sessionId()}}, {s("exclude"), List{a->sessionId()}}}, s("b-only"));
        publishMarked({}, s("end"));
        auto markers = [](FakePeer *peer, QStringList *out) {
            while (true) {
                const auto e = peer->waitFor(MessageType::Event);
                if (!e)
                    return false;
                out->append(e->args().value(0).toString());
                if (out->last() == u"end")
                    return true;
            }
        };
        QStringList gotA, gotB;
        QVERIFY(markers(a, &gotA));
        QVERIFY(markers(b, &gotB));
        // a has two matching subscriptions, so every marker it gets arrives twice.
        QCOMPARE(gotA, (QStringList{s("eligible-a"), s("eligible-a"), s("eligible-authid-a"), s("eligible-authid-a"), s("end")}));
        QCOMPARE(a->waitFor(MessageType::Event)->args().value(0), Value(s("end")));
        QCOMPARE(gotB, (QStringList{s("exclude-a"), s("b-only"), s("end")}));

        // Bad requests: ERROR only with acknowledge.
        req = p->nextRequestId();
        p->send(Message::publish(req, {{s("acknowledge"), true}}, s("com..bad")));
        auto err = p->waitReply(req, {MessageType::Published});
        QCOMPARE(err->type(), MessageType::Error);
        QCOMPARE(err->at(1), Value(int(MessageType::Publish)));
        QCOMPARE(err->uri(), uris::invalidUri);
        QVERIFY(!err->args().value(0).toString().isEmpty());
        req = p->nextRequestId();
        p->send(Message::publish(req, {{s("acknowledge"), true}}, s("wamp.session.on_join")));
        err = p->waitReply(req, {MessageType::Published});
        QCOMPARE(err->uri(), uris::invalidUri);
        req = p->nextRequestId();
        p->send(Message::publish(req, {{s("acknowledge"), true}, {s("exclude"), List{s("x")}}}, s("com.t")));
        err = p->waitReply(req, {MessageType::Published});
        QCOMPARE(err->uri(), uris::invalidArgument);
        p->send(Message::publish(p->nextRequestId(), {}, s("wamp.session.on_join"))); // silently dropped
        checkStillServing(p);
        QCOMPARE(p->pending(MessageType::Error), 0);

        // Unsubscribe: UNSUBSCRIBED, then no_such_subscription; the others keep the subscription.
        req = a->nextRequestId();
        a->send(Message::unsubscribe(req, subId));
        QCOMPARE(a->waitReply(req, {MessageType::Unsubscribed})->type(), MessageType::Unsubscribed);
        req = a->nextRequestId();
        a->send(Message::unsubscribe(req, subId));
        err = a->waitReply(req, {MessageType::Unsubscribed});
        QCOMPARE(err->type(), MessageType::Error);
        QCOMPARE(err->uri(), uris::noSuchSubscription);
        p->send(Message::publish(p->nextRequestId(), {}, s("com.t"), {s("after")}));
        QCOMPARE(b->waitFor(MessageType::Event)->args().value(0), Value(s("after")));
        const auto viaPrefix = a->waitFor(MessageType::Event);
        QCOMPARE(viaPrefix->at(1).toUInt64().value_or(0), prefixId);
        QVERIFY(a->barrier()); // its own round trip: anything routed to it before is here
        QCOMPARE(a->pending(MessageType::Event), 0);
        QCOMPARE(a->undecodable() + b->undecodable() + p->undecodable(), 0);
    }

    void patternSubscriptions_data() { RouterHarness::addTransportRows(); }
    void patternSubscriptions()
    {
        QFETCH(QString, kind);
        FakePeer *sub = m_h.joined(kind);
        FakePeer *pub = m_h.joined(kind);
        QVERIFY2(sub && pub, qPrintable(m_h.error()));
        const quint64 exact = sub->subscribe(s("com.p.x"))->at(2).toUInt64().value_or(0);
        const quint64 prefix = sub->subscribe(s("com.p"), {{s("match"), s("prefix")}})->at(2).toUInt64().value_or(0);
        const quint64 wild = sub->subscribe(s("com..x"), {{s("match"), s("wildcard")}})->at(2).toUInt64().value_or(0);
        const quint64 other = sub->subscribe(s("org..x"), {{s("match"), s("wildcard")}})->at(2).toUInt64().value_or(0);
        QVERIFY(exact && prefix && wild && other);
        pub->send(Message::publish(pub->nextRequestId(), {}, s("com.p.x"), {42}));
        QHash<quint64, Message> events;
        for (int i = 0; i < 3; ++i) {
            const auto e = sub->waitFor(MessageType::Event);
            QVERIFY(e);
            events.insert(e->at(1).toUInt64().value_or(0), *e);
        }
        QCOMPARE(events.size(), 3);
        QVERIFY(events.contains(exact) && events.contains(prefix) && events.contains(wild));
        QVERIFY(!dictAt(events.value(exact), 3).contains(s("topic")));
        QCOMPARE(dictAt(events.value(prefix), 3).value(s("topic")), Value(s("com.p.x")));
        QCOMPARE(dictAt(events.value(wild), 3).value(s("topic")), Value(s("com.p.x")));
        QCOMPARE(events.value(prefix).at(2), events.value(exact).at(2));
        // Prefix is a string prefix: com.p matches com.pq; the wildcard needs the same number of components.
        pub->send(Message::publish(pub->nextRequestId(), {}, s("com.pq.y.x")));
        const auto e = sub->waitFor(MessageType::Event);
        QCOMPARE(e->at(1).toUInt64().value_or(0), prefix);
        checkStillServing(pub);
        QVERIFY(sub->barrier()); // its own round trip: anything routed to it before is here
        QCOMPARE(sub->pending(MessageType::Event), 0);
    }

    void eventEncodedOncePerSerializer()
    {
        // Three JSON and two msgpack subscribers on one subscription: 2 encodings, 5 sends.
        QList<FakePeer *> subs;
        for (int i = 0; i < 5; ++i) {
            FakePeer *p = m_h.joined(i % 2 ? s("ws") : s("rs"), i < 3 ? SerializerId::Json : SerializerId::MsgPack);
            QVERIFY2(p, qPrintable(m_h.error()));
            QVERIFY(p->subscribe(s("com.hot")));
            subs.append(p);
        }
        FakePeer *pub = m_h.joined(s("rs"), SerializerId::Cbor);
        QVERIFY(pub);
        const auto before = m_h.router()->stats();
        pub->send(Message::publish(pub->nextRequestId(), {}, s("com.hot"), {Value::bytes(QByteArray("\x00\x01", 2))}));
        for (FakePeer *p : subs)
            QVERIFY(p->waitFor(MessageType::Event));
        const auto after = m_h.router()->stats();
        QCOMPARE(after.publications - before.publications, quint64(1));
        QCOMPARE(after.eventsEncoded - before.eventsEncoded, quint64(2));
        QCOMPARE(after.eventsSent - before.eventsSent, quint64(5));
    }

};

QTEST_GUILESS_MAIN(TstRouterPubSub)
#include "tst_router_pubsub.moc"
