// SPDX-License-Identifier: GPL-3.0-or-later
// The traffic capture: the cap (ring), decode on demand, CALL/RESULT/INVOCATION/YIELD correlation across
// connections, URIs for EVENT/INVOCATION, protocol violation flags.

#include "capture/capturestore.h"
#include "inspect/hexdump.h"
#include "inspect/jsontext.h"
#include "codec/messagecodec.h"

#include <QTest>

using namespace wb;
using capture::CaptureStore;
using capture::Direction;
using capture::LinkKind;
using wamp::Dict;
using wamp::Message;
using wamp::MessageType;

namespace {

const codec::Serializer &json()
{
    return *codec::serializer(codec::SerializerId::Json);
}

quint64 rec(CaptureStore &s, capture::ConnectionId conn, Direction d, const Message &m)
{
    s.record(conn, d, m, codec::encodeMessage(json(), m), codec::SerializerId::Json);
    return s.nextSeq() - 1;
}

Dict dict(const QString &k, const wamp::Value &v)
{
    Dict d;
    d.insert(k, v);
    return d;
}

enum class Scenario { ManyConnections, ProgressiveThenFinal, EvictedCall, DisclosedCallerOurs, DisclosedCallerNotOurs,
                      RouterPerspective };

} // namespace

Q_DECLARE_METATYPE(Scenario)

class TstCaptureStore : public QObject
{
    Q_OBJECT
private slots:
    void capDropsOldest()
    {
        CaptureStore s;
        QCOMPARE(s.capacity(), CaptureStore::kDefaultCapacity);
        s.setCapacity(5);
        const auto c = s.addConnection(QStringLiteral("a"));
        for (int i = 1; i <= 12; ++i)
            rec(s, c, Direction::Out, Message::publish(quint64(i), {}, QStringLiteral("t.%1").arg(i)));
        QCOMPARE(s.size(), 5);
        QCOMPARE(s.totalRecorded(), quint64(12));
        QCOMPARE(s.firstSeq(), quint64(8));
        QVERIFY(!s.contains(7));
        QCOMPARE(s.uri(s.at(8).uri), QStringLiteral("t.8"));
        QCOMPARE(s.uri(s.at(12).uri), QStringLiteral("t.12"));
        QCOMPARE(s.decode(12).uri(), QStringLiteral("t.12"));
        QString err;
        QVERIFY(!s.decode(3, &err).isValid());
        QVERIFY(err.contains(QStringLiteral("dropped")));
        const qint64 bytes5 = s.approximateBytes();
        for (int i = 13; i <= 1000; ++i)
            rec(s, c, Direction::Out, Message::publish(quint64(i), {}, QStringLiteral("t")));
        QVERIFY(s.approximateBytes() <= bytes5 + 64); // bounded by the cap, not by the traffic

        s.setCapacity(3);
        QCOMPARE(s.size(), 3);
        QCOMPARE(s.firstSeq(), quint64(998));
        QCOMPARE(s.at(1000).requestId, quint64(1000));
        s.setCapacity(10);
        QCOMPARE(s.size(), 3);
        rec(s, c, Direction::Out, Message::publish(1001, {}, QStringLiteral("t")));
        QCOMPARE(s.size(), 4);
        QCOMPARE(s.at(1001).requestId, quint64(1001));
        s.clear();
        QCOMPARE(s.size(), 0);
        QVERIFY(!s.contains(1001));
        rec(s, c, Direction::Out, Message::publish(1, {}, QStringLiteral("t")));
        QCOMPARE(s.firstSeq(), quint64(1002));
    }

    void bytesLiveInChunksThatAreFreed()
    {
        CaptureStore s;
        s.setCapacity(10);
        const auto c = s.addConnection(QStringLiteral("a"));
        const QString pad(1000, QLatin1Char('x'));
        for (int i = 1; i <= 5000; ++i)
            rec(s, c, Direction::In, Message::event(1, quint64(i), {}, {pad}));
        // ~5 MB went through; only the chunks holding the last 10 records are kept (1 MiB each)
        QVERIFY2(s.approximateBytes() <= 2 * 1024 * 1024 + 10 * qint64(sizeof(capture::CaptureRecord)),
                 qPrintable(QString::number(s.approximateBytes())));
        QCOMPARE(s.decode(5000).at(2).toUInt64().value_or(0), quint64(5000));
        QCOMPARE(s.bytes(4991), codec::encodeMessage(json(), Message::event(1, 4991, {}, {pad})));
        QVERIFY(s.bytes(4990).isEmpty()); // dropped
        QCOMPARE(s.at(5000).size, quint32(s.bytes(5000).size()));

        // a message larger than a chunk gets its own, freed once it drops out
        const QString big(3 * 1024 * 1024, QLatin1Char('y'));
        const quint64 bigSeq = rec(s, c, Direction::In, Message::event(1, 9999, {}, {big}));
        QVERIFY(s.approximateBytes() > 3 * 1024 * 1024);
        QCOMPARE(s.decode(bigSeq).at(4).toList().value(0).toString().size(), big.size());
        for (int i = 0; i < 10; ++i)
            rec(s, c, Direction::In, Message::event(1, 1, {}, {pad}));
        QVERIFY(!s.contains(bigSeq));
        QVERIFY(s.approximateBytes() <= 2 * 1024 * 1024 + 10 * qint64(sizeof(capture::CaptureRecord)));
        s.clear();
        QVERIFY(s.approximateBytes() <= 10 * qint64(sizeof(capture::CaptureRecord)));
    }

    void callCorrelationAcrossConnections()
    {
        CaptureStore s;
        const auto caller = s.addConnection(QStringLiteral("caller"));
        const auto callee = s.addConnection(QStringLiteral("callee"));
        const QString proc = QStringLiteral("com.example.add");
        rec(s, callee, Direction::Out, Message::register_(1, {}, proc));
        const quint64 regd = rec(s, callee, Direction::In, Message::registered(1, 77));
        QCOMPARE(s.uri(s.at(regd).uri), proc);

        const quint64 call = rec(s, caller, Direction::Out, Message::call(5, {}, proc, {1, 2}));
        const quint64 unrelated = rec(s, caller, Direction::Out, Message::call(6, {}, QStringLiteral("other.proc")));
        const quint64 inv = rec(s, callee, Direction::In, Message::invocation(9, 77, {}, {1, 2}));
        const quint64 yield = rec(s, callee, Direction::Out, Message::yield(9, {}, {3}));
        const quint64 result = rec(s, caller, Direction::In, Message::result(5, {}, {3}));
        QCOMPARE(s.at(call).linkSeq, call);
        QCOMPARE(s.at(inv).linkSeq, call);
        QCOMPARE(s.at(inv).link, LinkKind::ByProcedure);
        QCOMPARE(s.uri(s.at(inv).uri), proc);
        QCOMPARE(s.at(yield).linkSeq, call);
        QCOMPARE(s.at(yield).link, LinkKind::Exact);
        QCOMPARE(s.at(result).linkSeq, call);
        QCOMPARE(s.at(result).link, LinkKind::Exact);
        QCOMPARE(s.linkedMessages(call), (QList<quint64>{call, inv, yield, result}));
        QCOMPARE(s.linkedMessages(yield), (QList<quint64>{call, inv, yield, result}));
        QCOMPARE(s.linkedMessages(unrelated), QList<quint64>{unrelated});
        QVERIFY(s.linkedMessages(regd).isEmpty());
    }

    void fifoAndCallerDisclosed()
    {
        CaptureStore s;
        const auto a = s.addConnection(QStringLiteral("a"));
        const auto b = s.addConnection(QStringLiteral("b"));
        const auto callee = s.addConnection(QStringLiteral("callee"));
        const QString proc = QStringLiteral("p");
        rec(s, a, Direction::In, Message::welcome(1111, {}));
        rec(s, b, Direction::In, Message::welcome(2222, {}));
        rec(s, callee, Direction::Out, Message::register_(1, {}, proc));
        rec(s, callee, Direction::In, Message::registered(1, 5));
        const quint64 callA = rec(s, a, Direction::Out, Message::call(1, {}, proc));
        const quint64 callB = rec(s, b, Direction::Out, Message::call(1, {}, proc));
        // B's call is invoked first and says so: exact despite the order
        const quint64 invB = rec(s, callee, Direction::In, Message::invocation(10, 5, dict(QStringLiteral("caller"), quint64(2222))));
        QCOMPARE(s.at(invB).linkSeq, callB);
        QCOMPARE(s.at(invB).link, LinkKind::CallerDisclosed);
        const quint64 invA = rec(s, callee, Direction::In, Message::invocation(11, 5, {}));
        QCOMPARE(s.at(invA).linkSeq, callA);
        QCOMPARE(s.at(invA).link, LinkKind::ByProcedure);
        // a disclosed caller that is not one of ours links to nothing
        rec(s, a, Direction::Out, Message::call(2, {}, proc));
        const quint64 foreign = rec(s, callee, Direction::In, Message::invocation(12, 5, dict(QStringLiteral("caller"), quint64(9999))));
        QCOMPARE(s.at(foreign).linkSeq, quint64(0));
    }

    void progressCancelInterruptErrors()
    {
        CaptureStore s;
        const auto a = s.addConnection(QStringLiteral("a"));
        const auto callee = s.addConnection(QStringLiteral("callee"));
        const QString proc = QStringLiteral("p");
        rec(s, callee, Direction::Out, Message::register_(3, {}, proc));
        rec(s, callee, Direction::In, Message::registered(3, 8));
        const quint64 call = rec(s, a, Direction::Out, Message::call(1, dict(QStringLiteral("receive_progress"), true), proc));
        const quint64 inv = rec(s, callee, Direction::In, Message::invocation(20, 8, {}));
        const quint64 y1 = rec(s, callee, Direction::Out, Message::yield(20, dict(QStringLiteral("progress"), true), {1}));
        const quint64 r1 = rec(s, a, Direction::In, Message::result(1, dict(QStringLiteral("progress"), true), {1}));
        const quint64 cancel = rec(s, a, Direction::Out, Message::cancel(1, dict(QStringLiteral("mode"), QStringLiteral("kill"))));
        const quint64 intr = rec(s, callee, Direction::In, Message::interrupt(20, {}));
        const quint64 yerr = rec(s, callee, Direction::Out, Message::error(MessageType::Invocation, 20, {}, QStringLiteral("wamp.error.canceled")));
        const quint64 cerr = rec(s, a, Direction::In, Message::error(MessageType::Call, 1, {}, QStringLiteral("wamp.error.canceled")));
        QCOMPARE(s.linkedMessages(call), (QList<quint64>{call, inv, y1, r1, cancel, intr, yerr, cerr}));
        QCOMPARE(s.uri(s.at(cerr).uri), QStringLiteral("wamp.error.canceled"));
        // the call is closed: a late RESULT with the same request ID is not linked
        const quint64 late = rec(s, a, Direction::In, Message::result(1, {}));
        QCOMPARE(s.at(late).linkSeq, quint64(0));
    }

    void eventTopics()
    {
        CaptureStore s;
        const auto c = s.addConnection(QStringLiteral("c"));
        rec(s, c, Direction::Out, Message::subscribe(4, {}, QStringLiteral("com.example.t")));
        rec(s, c, Direction::In, Message::subscribed(4, 99));
        const quint64 ev = rec(s, c, Direction::In, Message::event(99, 1234, {}, {1}));
        QCOMPARE(s.uri(s.at(ev).uri), QStringLiteral("com.example.t"));
        const quint64 ev2 = rec(s, c, Direction::In, Message::event(99, 1235, dict(QStringLiteral("topic"), QStringLiteral("com.example.t.x"))));
        QCOMPARE(s.uri(s.at(ev2).uri), QStringLiteral("com.example.t.x"));
        s.resetConnection(c);
        const quint64 ev3 = rec(s, c, Direction::In, Message::event(99, 1236, {}));
        QCOMPARE(s.at(ev3).uri, quint32(0)); // the subscription belonged to the old session
    }

    void violations()
    {
        CaptureStore s;
        const auto c = s.addConnection(QStringLiteral("c"));
        const Message bad = Message::result(77, {});
        const QByteArray bytes = codec::encodeMessage(json(), bad);
        s.record(c, Direction::In, bad, bytes, codec::SerializerId::Json);
        s.recordViolation(c, QStringLiteral("RESULT for an unknown request"), bytes, codec::SerializerId::Json);
        QCOMPARE(s.size(), 1); // flagged in place, not duplicated
        QVERIFY(s.at(1).violation);
        QCOMPARE(s.violationReason(1), QStringLiteral("RESULT for an unknown request"));

        s.recordViolation(c, QStringLiteral("not JSON"), QByteArray("[50, 1, {"), codec::SerializerId::Json);
        QCOMPARE(s.size(), 2);
        QVERIFY(s.at(2).violation);
        QCOMPARE(s.at(2).type, quint8(0));
        QString err;
        QVERIFY(!s.decode(2, &err).isValid());
        QVERIFY(!err.isEmpty());
        s.recordViolation(c, QStringLiteral("unknown type"), QByteArray("[99, 1]"), codec::SerializerId::Json);
        QCOMPARE(s.at(3).type, quint8(99));
        s.setCapacity(1); // reasons of dropped records go too
        QVERIFY(s.violationReason(1).isEmpty());
        QCOMPARE(s.violationReason(3), QStringLiteral("unknown type"));
    }

    void correlation_data()
    {
        QTest::addColumn<Scenario>("scenario");
        QTest::addColumn<int>("connections");
        // the old key kept 10 bits of the connection: connection 1024 collided with connection 0
        QTest::newRow("1025 connections, same request IDs") << Scenario::ManyConnections << 1025;
        QTest::newRow("1100 connections, same request IDs") << Scenario::ManyConnections << 1100;
        QTest::newRow("progressive RESULT then final") << Scenario::ProgressiveThenFinal << 1;
        QTest::newRow("evicted CALL") << Scenario::EvictedCall << 1;
        QTest::newRow("INVOCATION with disclosed caller, ours") << Scenario::DisclosedCallerOurs << 3;
        QTest::newRow("INVOCATION with disclosed caller, not ours") << Scenario::DisclosedCallerNotOurs << 2;
        QTest::newRow("router perspective: CALL comes in") << Scenario::RouterPerspective << 1;
    }

    void correlation()
    {
        QFETCH(Scenario, scenario);
        QFETCH(int, connections);
        CaptureStore s;
        const QString proc = QStringLiteral("com.example.add");
        switch (scenario) {
        case Scenario::ManyConnections: {
            QList<quint64> calls;
            for (int i = 0; i < connections; ++i) {
                const auto c = s.addConnection(QStringLiteral("c%1").arg(i));
                calls << rec(s, c, Direction::Out, Message::call(1, {}, proc, {i}));
            }
            // answers in reverse order: each RESULT finds the CALL of its own connection
            for (int i = connections - 1; i >= 0; --i) {
                const quint64 res = rec(s, capture::ConnectionId(i), Direction::In, Message::result(1, {}, {i}));
                QCOMPARE(s.at(res).linkSeq, calls.at(i));
                QCOMPARE(s.at(res).link, LinkKind::Exact);
            }
            break;
        }
        case Scenario::ProgressiveThenFinal: {
            const auto c = s.addConnection(QStringLiteral("c"));
            const quint64 call = rec(s, c, Direction::Out, Message::call(7, dict(QStringLiteral("receive_progress"), true), proc));
            const quint64 p1 = rec(s, c, Direction::In, Message::result(7, dict(QStringLiteral("progress"), true), {1}));
            const quint64 p2 = rec(s, c, Direction::In, Message::result(7, dict(QStringLiteral("progress"), true), {2}));
            const quint64 fin = rec(s, c, Direction::In, Message::result(7, {}, {3}));
            const quint64 late = rec(s, c, Direction::In, Message::result(7, {}, {4}));
            for (quint64 r : {p1, p2, fin})
                QCOMPARE(s.at(r).linkSeq, call);
            QCOMPARE(s.at(late).linkSeq, quint64(0)); // the final RESULT closed the call
            QCOMPARE(s.linkedMessages(call), (QList<quint64>{call, p1, p2, fin}));
            break;
        }
        case Scenario::EvictedCall: {
            s.setCapacity(3);
            const auto c = s.addConnection(QStringLiteral("c"));
            const quint64 call = rec(s, c, Direction::Out, Message::call(9, {}, proc));
            for (int i = 0; i < 3; ++i)
                rec(s, c, Direction::Out, Message::publish(100 + i, {}, QStringLiteral("t")));
            QVERIFY(!s.contains(call));
            const quint64 res = rec(s, c, Direction::In, Message::result(9, {}));
            // the relation is still known exactly; the CALL itself is gone from the listing
            QCOMPARE(s.at(res).linkSeq, call);
            QCOMPARE(s.at(res).link, LinkKind::Exact);
            QCOMPARE(s.linkedMessages(res), (QList<quint64>{res}));
            // an INVOCATION cannot be matched to the evicted CALL
            const auto callee = s.addConnection(QStringLiteral("callee"));
            rec(s, callee, Direction::Out, Message::register_(1, {}, proc));
            rec(s, callee, Direction::In, Message::registered(1, 55));
            const quint64 inv = rec(s, callee, Direction::In, Message::invocation(3, 55, {}));
            QCOMPARE(s.at(inv).linkSeq, quint64(0));
            break;
        }
        case Scenario::DisclosedCallerOurs:
        case Scenario::DisclosedCallerNotOurs: {
            const auto a = s.addConnection(QStringLiteral("a"));
            const auto b = s.addConnection(QStringLiteral("b"));
            rec(s, a, Direction::In, Message::welcome(111, {}));
            const quint64 callA = rec(s, a, Direction::Out, Message::call(1, {}, proc));
            capture::ConnectionId callee = b;
            quint64 callB = 0;
            if (connections == 3) {
                rec(s, b, Direction::In, Message::welcome(222, {}));
                callB = rec(s, b, Direction::Out, Message::call(1, {}, proc));
                callee = s.addConnection(QStringLiteral("callee"));
            }
            rec(s, callee, Direction::Out, Message::register_(5, {}, proc));
            rec(s, callee, Direction::In, Message::registered(5, 77));
            const quint64 disclosed = scenario == Scenario::DisclosedCallerOurs ? 222 : 999;
            const quint64 inv = rec(s, callee, Direction::In, Message::invocation(40, 77, dict(QStringLiteral("caller"), disclosed)));
            if (scenario == Scenario::DisclosedCallerOurs) {
                // not the oldest open CALL (a's), the one of the disclosed caller (b)
                QCOMPARE(s.at(inv).linkSeq, callB);
                QCOMPARE(s.at(inv).link, LinkKind::CallerDisclosed);
                const quint64 y = rec(s, callee, Direction::Out, Message::yield(40, {}));
                QCOMPARE(s.at(y).linkSeq, callB);
            } else {
                QCOMPARE(s.at(inv).linkSeq, quint64(0)); // the caller is not one of ours: no guess
                QCOMPARE(s.at(inv).link, LinkKind::None);
                Q_UNUSED(callA)
            }
            break;
        }
        case Scenario::RouterPerspective: {
            const auto c = s.addConnection(QStringLiteral("router side"), capture::Perspective::Router);
            rec(s, c, Direction::Out, Message::welcome(5, {}));
            QCOMPARE(s.at(s.nextSeq() - 1).sessionId, quint64(5));
            const quint64 call = rec(s, c, Direction::In, Message::call(3, {}, proc));
            const quint64 res = rec(s, c, Direction::Out, Message::result(3, {}));
            QCOMPARE(s.at(call).linkSeq, call);
            QCOMPARE(s.at(res).linkSeq, call);
            break;
        }
        }
    }

    void sessionIdPerRecord()
    {
        CaptureStore s;
        const auto c = s.addConnection(QStringLiteral("c"));
        const quint64 hello = rec(s, c, Direction::Out, Message::hello(QStringLiteral("realm1"), {}));
        const quint64 welcome = rec(s, c, Direction::In, Message::welcome(4242, {}));
        const quint64 call = rec(s, c, Direction::Out, Message::call(1, {}, QStringLiteral("p")));
        QCOMPARE(s.at(hello).sessionId, quint64(0));
        QCOMPARE(s.at(welcome).sessionId, quint64(4242));
        QCOMPARE(s.at(call).sessionId, quint64(4242));
        s.resetConnection(c);
        rec(s, c, Direction::Out, Message::hello(QStringLiteral("realm1"), {}));
        const quint64 welcome2 = rec(s, c, Direction::In, Message::welcome(5151, {}));
        QCOMPARE(s.at(welcome2).sessionId, quint64(5151));
        QCOMPARE(s.at(call).sessionId, quint64(4242)); // older records keep theirs
    }

    void correlationMapsKeepNewest()
    {
        // Beyond the bound the OLDEST unanswered CALLs are forgotten, never an arbitrary one.
        CaptureStore s;
        const auto c = s.addConnection(QStringLiteral("c"));
        constexpr int kCalls = 100'000 + 500;
        for (int i = 1; i <= kCalls; ++i)
            s.record(c, Direction::Out, Message::call(quint64(i), {}, QStringLiteral("p")), QByteArray("x"), codec::SerializerId::Json);
        const quint64 newest = rec(s, c, Direction::In, Message::result(quint64(kCalls), {}));
        QVERIFY(s.at(newest).linkSeq != 0);
        const quint64 recent = rec(s, c, Direction::In, Message::result(quint64(kCalls - 99'000), {}));
        QVERIFY(s.at(recent).linkSeq != 0);
        const quint64 oldest = rec(s, c, Direction::In, Message::result(1, {}));
        QCOMPARE(s.at(oldest).linkSeq, quint64(0));
    }

    void pretty()
    {
        wamp::Dict d;
        d.insert(QStringLiteral("big"), quint64(18446744073709551615ULL));
        d.insert(QStringLiteral("b"), wamp::Value::bytes(QByteArray("\x01\xff", 2)));
        d.insert(QStringLiteral("s"), QStringLiteral("ä\"x"));
        d.insert(QStringLiteral("long"), QString(70, QLatin1Char('x')));
        const QString out = inspect::toJsonText(wamp::List{1, d, wamp::List{}, wamp::List{2, 3}}, inspect::JsonTextOptions{2, 60});
        QVERIFY2(out.contains(QStringLiteral("\"big\": 18446744073709551615")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("\"b\": \"\\u0000Af8=\"")), qPrintable(out)); // bytes as everywhere: WAMP notation
        QVERIFY(out.contains(QStringLiteral("  [],\n")));
        QVERIFY(out.contains(QStringLiteral("  [2, 3]\n"))); // short containers stay on one line
        QVERIFY2(out.contains(QStringLiteral("\n  {\n    \"b\"")), qPrintable(out)); // long ones are indented
        const QString hex = inspect::hexDump(QByteArray("ABC\x00", 4));
        QVERIFY2(hex.startsWith(QStringLiteral("000000  41 42 43 00")), qPrintable(hex));
        QVERIFY(hex.contains(QStringLiteral("ABC.")));
    }
};

QTEST_GUILESS_MAIN(TstCaptureStore)
#include "tst_capturestore.moc"
