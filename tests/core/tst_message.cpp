// SPDX-License-Identifier: GPL-3.0-or-later
#include "fakes/testutil.h"

#include "wamp/message.h"

#include <QTest>

using namespace wb::wamp;

using wb::testing::s;

namespace {
Dict d() { return Dict(); }
} // namespace

class TstMessage : public QObject
{
    Q_OBJECT
private slots:
    void valid_data()
    {
        QTest::addColumn<Value>("value");
        QTest::addColumn<int>("type");
        QTest::addColumn<quint64>("requestId");
        QTest::addColumn<QString>("uri");
        const Dict roles{{s("roles"), Dict{{s("caller"), d()}}}};
        QTest::newRow("HELLO") << Value(List{1, s("realm1"), roles}) << 1 << 0ull << s("realm1");
        QTest::newRow("WELCOME") << Value(List{2, 9129137332ll, Dict{{s("roles"), Dict{{s("broker"), d()}}}}}) << 2 << 0ull << QString();
        QTest::newRow("ABORT") << Value(List{3, Dict{{s("message"), s("x")}}, s("wamp.error.no_such_realm")}) << 3 << 0ull << s("wamp.error.no_such_realm");
        QTest::newRow("ABORT-args") << Value(List{3, d(), s("wamp.error.x"), List{1}, Dict{{s("a"), 1}}}) << 3 << 0ull << s("wamp.error.x");
        QTest::newRow("CHALLENGE") << Value(List{4, s("wampcra"), Dict{{s("challenge"), s("{}")}}}) << 4 << 0ull << QString();
        QTest::newRow("AUTHENTICATE") << Value(List{5, s("sig"), d()}) << 5 << 0ull << QString();
        QTest::newRow("GOODBYE") << Value(List{6, d(), s("wamp.close.close_realm")}) << 6 << 0ull << s("wamp.close.close_realm");
        QTest::newRow("ERROR") << Value(List{8, 48, 7814135, d(), s("wamp.error.no_such_procedure")}) << 8 << 7814135ull << s("wamp.error.no_such_procedure");
        QTest::newRow("ERROR-kw") << Value(List{8, 68, 1, d(), s("app.err"), List{}, Dict{{s("k"), 1}}}) << 8 << 1ull << s("app.err");
        QTest::newRow("PUBLISH") << Value(List{16, 239714735, d(), s("com.myapp.mytopic1"), List{s("Hello")}}) << 16 << 239714735ull << s("com.myapp.mytopic1");
        QTest::newRow("PUBLISHED") << Value(List{17, 239714735, 4429313566ll}) << 17 << 239714735ull << QString();
        QTest::newRow("SUBSCRIBE") << Value(List{32, 713845233, d(), s("com.myapp.mytopic1")}) << 32 << 713845233ull << s("com.myapp.mytopic1");
        QTest::newRow("SUBSCRIBED") << Value(List{33, 713845233, 5512315355ll}) << 33 << 713845233ull << QString();
        QTest::newRow("UNSUBSCRIBE") << Value(List{34, 85346237, 5512315355ll}) << 34 << 85346237ull << QString();
        QTest::newRow("UNSUBSCRIBED") << Value(List{35, 85346237}) << 35 << 85346237ull << QString();
        QTest::newRow("UNSUBSCRIBED-revocation") << Value(List{35, 0, Dict{{s("subscription"), 1}}}) << 35 << 0ull << QString();
        QTest::newRow("EVENT") << Value(List{36, 5512315355ll, 4429313566ll, d(), List{s("Hello")}}) << 36 << 0ull << QString();
        QTest::newRow("CALL") << Value(List{48, 7814135, d(), s("com.myapp.add2"), List{23, 7}}) << 48 << 7814135ull << s("com.myapp.add2");
        QTest::newRow("CANCEL") << Value(List{49, 7814135, Dict{{s("mode"), s("kill")}}}) << 49 << 7814135ull << QString();
        QTest::newRow("RESULT") << Value(List{50, 7814135, d(), List{30}}) << 50 << 7814135ull << QString();
        QTest::newRow("REGISTER") << Value(List{64, 25349185, d(), s("com.myapp.add2")}) << 64 << 25349185ull << s("com.myapp.add2");
        QTest::newRow("REGISTERED") << Value(List{65, 25349185, 2103333224}) << 65 << 25349185ull << QString();
        QTest::newRow("UNREGISTER") << Value(List{66, 788923562, 2103333224}) << 66 << 788923562ull << QString();
        QTest::newRow("UNREGISTERED") << Value(List{67, 788923562}) << 67 << 788923562ull << QString();
        QTest::newRow("INVOCATION") << Value(List{68, 6131533, 9823528, d(), List{23, 7}}) << 68 << 6131533ull << QString();
        QTest::newRow("INTERRUPT") << Value(List{69, 6131533, Dict{{s("mode"), s("killnowait")}}}) << 69 << 6131533ull << QString();
        QTest::newRow("YIELD") << Value(List{70, 6131533, d(), List{30}}) << 70 << 6131533ull << QString();
        QTest::newRow("max-id") << Value(List{33, 9007199254740992ll, 1}) << 33 << 9007199254740992ull << QString();
    }
    void valid()
    {
        QFETCH(Value, value);
        QFETCH(int, type);
        QFETCH(quint64, requestId);
        QFETCH(QString, uri);
        const auto m = Message::fromValue(value);
        QVERIFY2(m.ok(), qPrintable(m.errorString()));
        QCOMPARE(m->code(), type);
        QCOMPARE(m->requestId(), requestId);
        QCOMPARE(m->uri(), uri);
        QCOMPARE(m->toValue(), value);
    }

    void invalid_data()
    {
        QTest::addColumn<Value>("value");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("reasonContains");
        QTest::newRow("not-list") << Value(Dict()) << s("message.not_a_list") << s("must be a list");
        QTest::newRow("empty") << Value(List{}) << s("message.empty") << s("empty");
        QTest::newRow("string-type") << Value(List{s("1"), s("realm1"), d()}) << s("message.bad_type") << s("integer");
        QTest::newRow("unknown-type") << Value(List{99, 1}) << s("message.unknown_type") << s("unknown message type 99");
        QTest::newRow("reserved-7") << Value(List{7}) << s("message.unknown_type") << s("7");
        QTest::newRow("hello-short") << Value(List{1, s("realm1")}) << s("message.bad_length") << s("HELLO must have 3 elements, got 2");
        QTest::newRow("call-long") << Value(List{48, 1, d(), s("p"), List{}, d(), 7}) << s("message.bad_length") << s("4 to 6");
        QTest::newRow("id-zero") << Value(List{48, 0, d(), s("p")}) << s("message.bad_element") << s("element 1 must be an ID");
        QTest::newRow("id-too-big") << Value(List{48, 9007199254740993ll, d(), s("p")}) << s("message.bad_element") << s("ID");
        QTest::newRow("id-negative") << Value(List{48, -1, d(), s("p")}) << s("message.bad_element") << s("ID");
        QTest::newRow("id-double") << Value(List{48, 1.0, d(), s("p")}) << s("message.bad_element") << s("double");
        QTest::newRow("null-options") << Value(List{48, 1, Value(), s("p")}) << s("message.bad_element") << s("element 2 must be a dict, got null");
        QTest::newRow("null-args") << Value(List{48, 1, d(), s("p"), Value()}) << s("message.bad_element") << s("element 4 must be a list");
        QTest::newRow("uri-int") << Value(List{32, 1, d(), 5}) << s("message.bad_element") << s("URI");
        QTest::newRow("unsubscribed-zero") << Value(List{35, 0}) << s("message.bad_element") << s("revocation");
    }
    void invalid()
    {
        QFETCH(Value, value);
        QFETCH(QString, code);
        QFETCH(QString, reasonContains);
        const auto m = Message::fromValue(value);
        QVERIFY(!m.ok());
        QCOMPARE(m.error().code, code);
        QVERIFY2(m.error().message.contains(reasonContains), qPrintable(m.error().message));
    }

    void direction_data()
    {
        QTest::addColumn<Value>("value");
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("phase");
        QTest::addColumn<bool>("ok");
        const int client = int(Sender::Client), router = int(Sender::Router);
        const int closed = int(SessionPhase::Closed), est = int(SessionPhase::Establishing), open = int(SessionPhase::Established);
        const Value hello(List{1, s("r"), Dict{{s("roles"), Dict{{s("caller"), d()}}}}});
        QTest::newRow("hello-first") << hello << client << closed << true;
        QTest::newRow("hello-twice") << hello << client << open << false;
        QTest::newRow("hello-from-router") << hello << router << closed << false;
        QTest::newRow("call-before-welcome") << Value(List{48, 1, d(), s("p")}) << client << est << false;
        QTest::newRow("call-open") << Value(List{48, 1, d(), s("p")}) << client << open << true;
        QTest::newRow("call-from-router") << Value(List{48, 1, d(), s("p")}) << router << open << false;
        QTest::newRow("goodbye-before-welcome") << Value(List{6, d(), s("wamp.close.normal")}) << client << est << false;
        QTest::newRow("abort-establishing") << Value(List{3, d(), s("wamp.error.x")}) << client << est << true;
        QTest::newRow("error-invocation-from-client") << Value(List{8, 68, 1, d(), s("e")}) << client << open << true;
        QTest::newRow("error-call-from-client") << Value(List{8, 48, 1, d(), s("e")}) << client << open << false;
        QTest::newRow("error-call-from-router") << Value(List{8, 48, 1, d(), s("e")}) << router << open << true;
        QTest::newRow("error-bogus-type") << Value(List{8, 36, 1, d(), s("e")}) << router << open << false;
        QTest::newRow("welcome-after-open") << Value(List{2, 1, d()}) << router << open << false;
    }
    void direction()
    {
        QFETCH(Value, value);
        QFETCH(int, from);
        QFETCH(int, phase);
        QFETCH(bool, ok);
        const auto m = Message::fromValue(value);
        QVERIFY2(m.ok(), qPrintable(m.errorString()));
        const wb::Status st = m->checkReceivable(Sender(from), SessionPhase(phase));
        QVERIFY2(st.ok() == ok, qPrintable(st.errorString()));
    }

    void builders()
    {
        // payload rules: empty omitted, args present when kwargs present, never null
        QCOMPARE(Message::call(1, {}, s("p")).size(), 4);
        QCOMPARE(Message::call(1, {}, s("p"), List{1}).size(), 5);
        const Message kw = Message::call(1, {}, s("p"), {}, Dict{{s("a"), 1}});
        QCOMPARE(kw.size(), 6);
        QCOMPARE(kw.at(4), Value(List{}));
        QCOMPARE(kw.kwargs().value(s("a")), Value(1));
        QCOMPARE(Message::yield(5, {}).size(), 3);
        QCOMPARE(Message::error(MessageType::Call, 3, {}, s("e"), List{1}, Dict{{s("k"), 2}}).kwargs().size(), 1);
        const Message ev = Message::event(7, 8, {}, List{s("x")});
        QCOMPARE(ev.args(), List{s("x")});
        QVERIFY(ev.kwargs().isEmpty());
        QCOMPARE(Message::typeName(qint64(99)), s("UNKNOWN(99)"));
        QCOMPARE(Message::hello(s("realm1"), {}).typeName(), s("HELLO"));
        // every builder output validates
        QVERIFY(Message::fromValue(Message::interrupt(1, Dict{{s("mode"), s("kill")}}).toValue()).ok());
        QVERIFY(Message::fromValue(Message::unsubscribed(3).toValue()).ok());
    }
};

QTEST_APPLESS_MAIN(TstMessage)
#include "tst_message.moc"
