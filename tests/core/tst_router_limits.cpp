// SPDX-License-Identifier: GPL-3.0-or-later
// Router limits: max_sessions (router and realm), max_pending_connections, max_pending_calls, and the slow-consumer policy
// (a subscriber that stops reading is dropped, the router's queued bytes stay bounded, every other subscriber
// receives every event). Oversized messages on both transports are covered by tst_router messageTooLarge.

#include "fakes/fakepeer.h"
#include "fakes/rawpeer.h"
#include "fakes/routerharness.h"
#include "fakes/testutil.h"

#include "codec/serializer.h"
#include "router/router.h"
#include "wamp/errors.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <vector>

using namespace wb;
using namespace wb::wamp;
using wb::codec::SerializerId;
using wb::router::Router;
using wb::router::RouterConfig;
using wb::testing::FakePeer;
using wb::testing::RawSocketPeer;
using wb::testing::RouterHarness;
using wb::testing::s;

namespace {

const QString kRealm = QStringLiteral("realm1");
const QString kLimitExceeded = QStringLiteral("wamp.error.limit_exceeded");

RouterConfig testConfig()
{
    RouterConfig c;
    c.listeners = {router::ListenerConfig{QUrl(s("ws://127.0.0.1:0/ws"))}, router::ListenerConfig{QUrl(s("rs://127.0.0.1:0"))}};
    router::RealmConfig small{s("small")};
    small.maxSessions = 1;
    c.realms = {router::RealmConfig{kRealm}, small};
    return c;
}

} // namespace

class TstRouterLimits : public QObject
{
    Q_OBJECT

private:
    RouterHarness m_h;

private slots:
    void init() { m_h.clearLog(); }

    void cleanup() { m_h.reset(); }

    void maxSessions_data() { RouterHarness::addTransportRows(); }
    void maxSessions()
    {
        QFETCH(QString, kind);
        RouterConfig c = testConfig();
        c.maxSessions = 3;
        QVERIFY2(m_h.start(c), qPrintable(m_h.error()));

        // Realm limit: "small" admits one session; realm1 is unaffected.
        FakePeer *s1 = m_h.joinedTo(kind, s("small"));
        QVERIFY2(s1, qPrintable(m_h.error()));
        FakePeer *s2 = m_h.peer(kind);
        QVERIFY(s2);
        auto m = s2->hello(s("small"));
        QVERIFY(m);
        QCOMPARE(m->type(), MessageType::Abort);
        QCOMPARE(m->uri(), kLimitExceeded);
        QVERIFY2(m->at(1).toDict().value(s("message")).toString().contains(s("realm small")), qPrintable(m->toValue().toDebugString()));
        QVERIFY(s2->waitClosed());

        // Router limit: 3 sessions in all.
        FakePeer *a = m_h.joined(kind);
        FakePeer *b = m_h.joined(kind);
        QVERIFY2(a && b, qPrintable(m_h.error()));
        QCOMPARE(m_h.router()->sessionCount(), 3);
        FakePeer *extra = m_h.peer(kind);
        QVERIFY(extra);
        m = extra->hello(kRealm);
        QVERIFY(m);
        QCOMPARE(m->type(), MessageType::Abort);
        QCOMPARE(m->uri(), kLimitExceeded);
        QVERIFY(m->at(1).toDict().value(s("message")).toString().contains(s("limit of 3 sessions")));
        QVERIFY(extra->waitClosed());
        QVERIFY2(m_h.logContains(s("max_sessions")), qPrintable(m_h.log().join(u'\n')));
        QCOMPARE(m_h.router()->sessionCount(), 3);

        // The joined sessions are served as before, and a freed slot can be used again.
        QVERIFY(a->subscribe(s("com.t")));
        b->send(Message::publish(b->nextRequestId(), {}, s("com.t"), {1}));
        QVERIFY(a->waitFor(MessageType::Event));
        b->goodbye();
        QTRY_COMPARE(m_h.router()->sessionCount(), 2);
        QVERIFY2(m_h.joined(kind), qPrintable(m_h.error()));
        QCOMPARE(m_h.router()->sessionCount(), 3);
    }

    void maxPendingConnections_data() { RouterHarness::addTransportRows(); }
    void maxPendingConnections()
    {
        QFETCH(QString, kind);
        RouterConfig c = testConfig();
        c.maxPendingConnections = 2;
        QVERIFY2(m_h.start(c), qPrintable(m_h.error()));
        FakePeer *silent1 = m_h.peer(kind);
        FakePeer *silent2 = m_h.peer(kind);
        QVERIFY2(silent1 && silent2, qPrintable(m_h.error()));
        QTRY_COMPARE(m_h.router()->connectionCount(), 2);
        // A third connection that has not joined yet is refused at once and logged.
        auto third = std::make_unique<FakePeer>();
        if (third->connectTo(m_h.urlFor(kind)))
            QVERIFY(third->waitClosed());
        QTRY_VERIFY2(m_h.logContains(s("max_pending_connections")), qPrintable(m_h.log().join(u'\n')));
        QTRY_COMPARE(m_h.router()->connectionCount(), 2);
        // Once the waiting ones join, new connections are accepted again.
        QVERIFY(silent1->join(kRealm));
        QVERIFY(silent2->join(kRealm));
        FakePeer *later = m_h.joined(kind);
        QVERIFY2(later, qPrintable(m_h.error()));
        QCOMPARE(m_h.router()->sessionCount(), 3);
    }

    void maxPendingCalls_data() { RouterHarness::addTransportRows(); }
    void maxPendingCalls()
    {
        QFETCH(QString, kind);
        RouterConfig c = testConfig();
        c.maxPendingCalls = 3;
        QVERIFY2(m_h.start(c), qPrintable(m_h.error()));
        FakePeer *callee = m_h.joined(kind);
        FakePeer *caller = m_h.joined(kind);
        FakePeer *other = m_h.joined(kind);
        QVERIFY2(callee && caller && other, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.slow"))->type(), MessageType::Registered);
        // The callee never answers: three calls are pending, the fourth is refused at once.
        QList<quint64> requests;
        for (int i = 0; i < 4; ++i) {
            requests.append(caller->nextRequestId());
            caller->send(Message::call(requests.last(), {}, s("com.slow"), {i}));
        }
        const auto refused = caller->waitReply(requests.at(3), {MessageType::Result});
        QVERIFY(refused);
        QCOMPARE(refused->type(), MessageType::Error);
        QCOMPARE(refused->uri(), kLimitExceeded);
        QVERIFY(refused->args().value(0).toString().contains(s("max_pending_calls")));
        QTRY_VERIFY2(m_h.logContains(s("max_pending_calls")), qPrintable(m_h.log().join(u'\n')));
        QList<Message> invocations;
        for (int i = 0; i < 3; ++i) {
            const auto inv = callee->waitFor(MessageType::Invocation);
            QVERIFY(inv);
            invocations.append(*inv);
        }
        // The refused call never reached the callee: the router answered the caller, so it had routed the CALL;
        // after the callee's own round trip an INVOCATION sent to it would be here.
        QVERIFY(callee->barrier());
        QCOMPARE(callee->pending(MessageType::Invocation), 0);
        // Another session has its own budget.
        const quint64 otherReq = other->nextRequestId();
        other->send(Message::call(otherReq, {}, s("com.slow")));
        QVERIFY(callee->waitFor(MessageType::Invocation));
        // One answer frees one slot: the next call goes through again.
        callee->send(Message::yield(invocations.at(0).requestId(), {}, {s("late")}));
        QCOMPARE(caller->waitReply(requests.at(0), {MessageType::Result})->type(), MessageType::Result);
        const quint64 again = caller->nextRequestId();
        caller->send(Message::call(again, {}, s("com.slow"), {s("again")}));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        QCOMPARE(inv->args(), List{s("again")});
        QVERIFY(!caller->isClosed());
    }

    void slowConsumer()
    {
        // A RawSocket subscriber that joins, subscribes and then never reads its socket again.
        constexpr qint64 kCap = 256 * 1024;
        constexpr int kEventBytes = 32 * 1024;
        constexpr int kEvents = 800; // ~26 MB in all: far more than the cap plus the kernel's socket buffers
        RouterConfig c = testConfig();
        c.maxOutboundQueueBytes = kCap;
        QVERIFY2(m_h.start(c), qPrintable(m_h.error()));

        RawSocketPeer raw;
        QVERIFY(raw.connectTo(m_h.urlFor(s("rs"))));
        QVERIFY(raw.handshake(SerializerId::Json));
        raw.send(Message::hello(kRealm, {{s("roles"), FakePeer::defaultRoles()}}));
        raw.send(Message::subscribe(1, {}, s("com.flood")));
        QTRY_VERIFY(raw.received().contains("[33,1,"));
        raw.stopReading(); // the kernel buffers fill, then the router's queue grows

        FakePeer *pub = m_h.joined(s("ws"));
        FakePeer *healthyWs = m_h.joined(s("ws"), SerializerId::MsgPack);
        FakePeer *healthyRs = m_h.joined(s("rs"), SerializerId::Cbor);
        QVERIFY2(pub && healthyWs && healthyRs, qPrintable(m_h.error()));
        QVERIFY(healthyWs->subscribe(s("com.flood")));
        QVERIFY(healthyRs->subscribe(s("com.flood")));
        QCOMPARE(m_h.router()->sessionCount(), 4);
        QSignalSpy leftSpy(m_h.router(), &Router::sessionLeft);

        QList<qint64> seqWs, seqRs;
        auto drain = [](FakePeer *p, QList<qint64> &seq) {
            while (auto m = p->next(0)) {
                if (m->type() == MessageType::Event)
                    seq.append(m->args().value(0).toInt64().value_or(-1));
            }
        };
        const QString blob(kEventBytes, u'x');
        qint64 peakQueued = 0;
        int published = 0;
        QElapsedTimer timer;
        timer.start();
        // Publish in acknowledged batches so the healthy subscribers (which do read) keep up; sample the router's
        // queued bytes as we go.
        while (published < kEvents && timer.elapsed() < 60000) {
            quint64 last = 0;
            for (int i = 0; i < 8 && published < kEvents; ++i, ++published) {
                last = pub->nextRequestId();
                pub->send(Message::publish(last, {{s("acknowledge"), true}}, s("com.flood"), {published, blob}));
            }
            QVERIFY(pub->waitReply(last, {MessageType::Published}, 10000));
            peakQueued = qMax(peakQueued, m_h.router()->queuedOutboundBytes());
            drain(healthyWs, seqWs);
            drain(healthyRs, seqRs);
        }
        QCOMPARE(published, kEvents);
        QVERIFY(QTest::qWaitFor([&] {
            drain(healthyWs, seqWs);
            drain(healthyRs, seqRs);
            return seqWs.size() >= kEvents && seqRs.size() >= kEvents;
        }, 30000));

        // The slow session was dropped with a logged reason...
        QTRY_VERIFY2(m_h.logContains(s("dropped: slow consumer (")), qPrintable(m_h.log().join(u'\n')));
        QTRY_COMPARE(leftSpy.size(), 1);
        QVERIFY(leftSpy.at(0).at(1).toString().contains(s("slow consumer")));
        QTRY_COMPARE(m_h.router()->sessionCount(), 3);
        qInfo("peak queued %lld bytes over all sessions (cap %lld per session)", peakQueued, kCap);
        // ...the queued bytes stayed bounded: at most the cap plus one event per session, never the ~26 MB
        // published...
        const qint64 bound = 4 * (kCap + 2 * kEventBytes);
        QVERIFY2(peakQueued <= bound, qPrintable(QStringLiteral("peak %1 > %2").arg(peakQueued).arg(bound)));
        QVERIFY(peakQueued < qint64(kEvents) * kEventBytes / 4);
        // ...and every other subscriber received every event, in order.
        QList<qint64> expected;
        for (int i = 0; i < kEvents; ++i)
            expected.append(i);
        QCOMPARE(seqWs, expected);
        QCOMPARE(seqRs, expected);
        QVERIFY(!pub->isClosed() && !healthyWs->isClosed() && !healthyRs->isClosed());
    }
};

QTEST_GUILESS_MAIN(TstRouterLimits)
#include "tst_router_limits.moc"
