// SPDX-License-Identifier: GPL-3.0-or-later
// In-process tests of the built-in router: a Router on 127.0.0.1 port 0 and scripted fake peers over real
// WebSocket and RawSocket transports. Most tests run once per transport (data rows "ws" and "rs").

#include "fakes/fakepeer.h"

#include "auth/wampcra.h"
#include "codec/serializer.h"
#include "router/router.h"
#include "wamp/errors.h"
#include "wamp/ids.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

#include <memory>
#include <vector>

using namespace wb;
using namespace wb::wamp;
using wb::codec::SerializerId;
using wb::router::Router;
using wb::router::RouterConfig;
using wb::router::SessionInfo;
using wb::testing::FakePeer;

namespace {

QString s(const char *t) { return QString::fromUtf8(t); }
const QString kRealm = QStringLiteral("realm1");

RouterConfig testConfig()
{
    RouterConfig c;
    c.listeners = {router::ListenerConfig{QUrl(s("ws://127.0.0.1:0/ws"))}, router::ListenerConfig{QUrl(s("rs://127.0.0.1:0"))}};
    router::RealmConfig realm1{kRealm};
    router::RealmConfig priv{s("private")};
    priv.allowAnonymous = false;
    c.realms = {realm1, priv};
    router::UserConfig alice;
    alice.authid = s("alice");
    alice.authmethod = s("ticket");
    alice.secret = s("s3cret");
    alice.authrole = s("admin");
    router::UserConfig peter;
    peter.authid = s("peter");
    peter.authmethod = s("wampcra");
    peter.secret = s("secret123");
    router::UserConfig salty = peter;
    salty.authid = s("salty");
    salty.salt = s("salt123");
    salty.iterations = 1000;
    salty.keylen = 32;
    router::UserConfig onlyPublic = alice;
    onlyPublic.authid = s("bob");
    onlyPublic.realms = {kRealm};
    c.users = {alice, peter, salty, onlyPublic};
    return c;
}

Value bigInt() { return Value(qint64(9007199254740992ll)); } // 2^53, the largest ID

/// Events carry details; find a message's element as dict.
Dict dictAt(const Message &m, int pos) { return m.at(pos).toDict(); }

} // namespace

class TstRouter : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Router> m_router;
    std::vector<std::unique_ptr<FakePeer>> m_peers;
    QStringList m_log;
    QString m_error;

    QUrl urlFor(const QString &kind) const
    {
        for (const QUrl &u : m_router->listeningUrls()) {
            if ((kind == u"ws" && u.scheme() == u"ws") || (kind == u"rs" && u.scheme() == u"rs"))
                return u;
        }
        return {};
    }

    bool startRouter(const RouterConfig &config)
    {
        m_peers.clear();
        m_router = std::make_unique<Router>(config);
        connect(m_router.get(), &Router::logMessage, this, [this](const QString &t) { m_log.append(t); });
        const Status st = m_router->start();
        m_error = st.errorString();
        return st.ok();
    }

    FakePeer *peer(const QString &kind, SerializerId ser = SerializerId::Json)
    {
        auto p = std::make_unique<FakePeer>();
        if (!p->connectTo(urlFor(kind), ser)) {
            m_error = p->errorString();
            return nullptr;
        }
        m_peers.push_back(std::move(p));
        return m_peers.back().get();
    }

    /// Connected and joined to realm1 (anonymous).
    FakePeer *joined(const QString &kind, SerializerId ser = SerializerId::Json, Dict details = {})
    {
        FakePeer *p = peer(kind, ser);
        if (!p)
            return nullptr;
        if (!p->join(kRealm, std::move(details))) {
            m_error = p->errorString();
            return nullptr;
        }
        return p;
    }

    bool logContains(const QString &text) const
    {
        for (const QString &l : m_log) {
            if (l.contains(text))
                return true;
        }
        return false;
    }

    static void addTransportRows()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("ws") << s("ws");
        QTest::newRow("rs") << s("rs");
    }

    /// The second session keeps being served: publish with acknowledge, call a procedure.
    void checkStillServing(FakePeer *b)
    {
        const quint64 req = b->nextRequestId();
        b->send(Message::publish(req, {{s("acknowledge"), true}}, s("com.still.alive"), {1}));
        const auto reply = b->waitReply(req, {MessageType::Published});
        QVERIFY(reply);
        QCOMPARE(reply->type(), MessageType::Published);
    }

private slots:
    void init()
    {
        m_log.clear();
        QVERIFY2(startRouter(testConfig()), qPrintable(m_error));
    }

    void cleanup()
    {
        m_peers.clear();
        m_router.reset();
    }

    // ------------------------------------------------------------------ sessions

    void welcome_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<SerializerId>("ser");
        QTest::newRow("ws-json") << s("ws") << SerializerId::Json;
        QTest::newRow("ws-msgpack") << s("ws") << SerializerId::MsgPack;
        QTest::newRow("ws-cbor") << s("ws") << SerializerId::Cbor;
        QTest::newRow("rs-json") << s("rs") << SerializerId::Json;
        QTest::newRow("rs-msgpack") << s("rs") << SerializerId::MsgPack;
        QTest::newRow("rs-cbor") << s("rs") << SerializerId::Cbor;
    }
    void welcome()
    {
        QFETCH(QString, kind);
        QFETCH(SerializerId, ser);
        QSignalSpy joinedSpy(m_router.get(), &Router::sessionJoined);
        QSignalSpy leftSpy(m_router.get(), &Router::sessionLeft);
        FakePeer *p = peer(kind, ser);
        QVERIFY2(p, qPrintable(m_error));
        const auto w = p->hello(kRealm);
        QVERIFY(w);
        QCOMPARE(w->type(), MessageType::Welcome);
        const quint64 id = w->at(1).toUInt64().value_or(0);
        QVERIFY(isValidId(id));
        const Dict d = dictAt(*w, 2);
        QCOMPARE(d.value(s("realm")), Value(kRealm));
        QVERIFY(!d.value(s("authid")).toString().isEmpty());
        QCOMPARE(d.value(s("authrole")), Value(s("anonymous")));
        QCOMPARE(d.value(s("authmethod")), Value(s("anonymous")));
        QCOMPARE(d.value(s("authprovider")), Value(s("static")));
        QVERIFY(d.value(s("agent")).toString().startsWith(s("Wampscope ")));
        const Dict roles = d.value(s("roles")).toDict();
        QCOMPARE(roles.keys(), (QStringList{s("broker"), s("dealer")}));
        const Dict brokerFeatures = roles.value(s("broker")).value(s("features")).toDict();
        const Dict dealerFeatures = roles.value(s("dealer")).value(s("features")).toDict();
        QCOMPARE(brokerFeatures.keys(), (QStringList{s("pattern_based_subscription"), s("publisher_exclusion"),
                                                     s("publisher_identification"), s("subscriber_blackwhite_listing")}));
        QCOMPARE(dealerFeatures.keys(), (QStringList{s("call_canceling"), s("caller_identification"),
                                                     s("pattern_based_registration"), s("progressive_call_results")}));
        for (const Value &v : brokerFeatures)
            QCOMPARE(v, Value(true));
        for (const Value &v : dealerFeatures)
            QCOMPARE(v, Value(true));

        QCOMPARE(joinedSpy.size(), 1);
        const auto info = joinedSpy.at(0).at(0).value<SessionInfo>();
        QCOMPARE(info.id, id);
        QCOMPARE(info.realm, kRealm);
        QCOMPARE(info.authid, d.value(s("authid")).toString());
        QCOMPARE(info.serializer, codec::serializerName(ser));
        QCOMPARE(info.transport, p->transport()->kind()); // same kind names on both ends
        QVERIFY(!info.peer.isEmpty());
        QCOMPARE(m_router->sessionCount(), 1);
        QCOMPARE(m_router->sessions().size(), 1);
        QCOMPARE(m_router->sessions().at(0).id, id);

        // GOODBYE from the client: GOODBYE reply, transport closed, sessionLeft exactly once.
        p->goodbye();
        const auto bye = p->waitFor(MessageType::Goodbye);
        QVERIFY(bye);
        QCOMPARE(bye->uri(), uris::closeGoodbyeAndOut);
        QCOMPARE(dictAt(*bye, 1), Dict());
        QVERIFY(p->waitClosed());
        QTRY_COMPARE(leftSpy.size(), 1);
        QCOMPARE(leftSpy.at(0).at(0).value<SessionInfo>().id, id);
        QCOMPARE(leftSpy.at(0).at(1).toString(), s("wamp.close.close_realm"));
        QCOMPARE(m_router->sessionCount(), 0);
        QCOMPARE(p->undecodable(), 0);
    }

    void uniqueSessionIds()
    {
        QSet<quint64> ids;
        for (int i = 0; i < 10; ++i) {
            FakePeer *p = joined(i % 2 ? s("ws") : s("rs"));
            QVERIFY2(p, qPrintable(m_error));
            ids.insert(p->sessionId());
        }
        QCOMPARE(ids.size(), 10);
        QCOMPARE(m_router->sessionCount(), 10);
    }

    void realms_data()
    {
        addTransportRows();
    }
    void realms()
    {
        QFETCH(QString, kind);
        FakePeer *p = peer(kind);
        QVERIFY(p);
        auto m = p->hello(s("no.such.realm"));
        QVERIFY(m);
        QCOMPARE(m->type(), MessageType::Abort);
        QCOMPARE(m->uri(), uris::noSuchRealm);
        QVERIFY(!dictAt(*m, 1).value(s("message")).toString().isEmpty());
        QVERIFY(p->waitClosed());

        FakePeer *q = peer(kind);
        QVERIFY(q);
        m = q->hello(s("bad realm"));
        QVERIFY(m);
        QCOMPARE(m->type(), MessageType::Abort);
        QCOMPARE(m->uri(), uris::invalidUri);
        QVERIFY(q->waitClosed());
        QCOMPARE(m_router->sessionCount(), 0);
    }

    void autoCreatedRealm()
    {
        RouterConfig c = testConfig();
        c.autoCreateRealms = true;
        QVERIFY(startRouter(c));
        FakePeer *p = peer(s("ws"));
        QVERIFY(p);
        const auto w = p->hello(s("com.example.fresh"));
        QVERIFY(w);
        QCOMPARE(w->type(), MessageType::Welcome);
        QCOMPARE(dictAt(*w, 2).value(s("realm")), Value(s("com.example.fresh")));
        // A second session lands in the same realm and can talk to the first.
        FakePeer *q = peer(s("rs"));
        QVERIFY(q);
        QVERIFY(q->join(s("com.example.fresh")));
        QVERIFY(p->subscribe(s("com.t")));
        q->send(Message::publish(q->nextRequestId(), {}, s("com.t"), {1}));
        QVERIFY(p->waitFor(MessageType::Event));
    }

    // ------------------------------------------------------------------ authentication

    void auth_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("realm");
        QTest::addColumn<QString>("authid");
        QTest::addColumn<QStringList>("authmethods");
        QTest::addColumn<QString>("secret");   ///< what the client answers with
        QTest::addColumn<QString>("expected"); ///< "welcome" or the ABORT reason
        QTest::addColumn<QString>("authrole");
        QTest::addColumn<QString>("authmethod");
        const QStringList anon{s("anonymous")};
        const QStringList ticket{s("ticket")};
        const QStringList cra{s("wampcra")};
        for (const QString &kind : {s("ws"), s("rs")}) {
            auto row = [&](const char *name) -> QTestData & { return QTest::addRow("%s-%s", qPrintable(kind), name); };
            row("anonymous-implicit") << kind << kRealm << QString() << QStringList() << QString() << s("welcome") << s("anonymous") << s("anonymous");
            row("anonymous-explicit") << kind << kRealm << QString() << anon << QString() << s("welcome") << s("anonymous") << s("anonymous");
            row("ticket-ok") << kind << kRealm << s("alice") << ticket << s("s3cret") << s("welcome") << s("admin") << s("ticket");
            row("ticket-wrong") << kind << kRealm << s("alice") << ticket << s("nope") << uris::authenticationDenied << QString() << QString();
            row("ticket-private-realm") << kind << s("private") << s("alice") << ticket << s("s3cret") << s("welcome") << s("admin") << s("ticket");
            row("wampcra-ok") << kind << kRealm << s("peter") << cra << s("secret123") << s("welcome") << s("user") << s("wampcra");
            row("wampcra-wrong") << kind << kRealm << s("peter") << cra << s("secret124") << uris::authenticationDenied << QString() << QString();
            row("wampcra-salted-ok") << kind << kRealm << s("salty") << cra << s("secret123") << s("welcome") << s("user") << s("wampcra");
            row("wampcra-salted-wrong") << kind << kRealm << s("salty") << cra << s("wrong") << uris::authenticationDenied << QString() << QString();
            row("first-usable-method") << kind << kRealm << s("peter") << QStringList{s("ticket"), s("wampcra"), s("anonymous")} << s("secret123") << s("welcome") << s("user") << s("wampcra");
            row("anonymous-fallback") << kind << kRealm << s("nobody") << QStringList{s("ticket"), s("anonymous")} << QString() << s("welcome") << s("anonymous") << s("anonymous");
            row("unknown-principal") << kind << kRealm << s("mallory") << ticket << s("x") << uris::noSuchPrincipal << QString() << QString();
            row("no-authid") << kind << kRealm << QString() << ticket << s("x") << uris::noSuchPrincipal << QString() << QString();
            row("anonymous-not-allowed") << kind << s("private") << QString() << anon << QString() << uris::noMatchingAuthMethod << QString() << QString();
            row("unsupported-method") << kind << kRealm << s("alice") << QStringList{s("cryptosign")} << QString() << uris::noMatchingAuthMethod << QString() << QString();
            row("wrong-method-for-user") << kind << kRealm << s("alice") << cra << s("s3cret") << uris::noMatchingAuthMethod << QString() << QString();
            row("user-not-on-realm") << kind << s("private") << s("bob") << ticket << s("s3cret") << uris::noSuchPrincipal << QString() << QString();
        }
    }
    void auth()
    {
        QFETCH(QString, kind);
        QFETCH(QString, realm);
        QFETCH(QString, authid);
        QFETCH(QStringList, authmethods);
        QFETCH(QString, secret);
        QFETCH(QString, expected);
        QFETCH(QString, authrole);
        QFETCH(QString, authmethod);

        FakePeer *p = peer(kind);
        QVERIFY2(p, qPrintable(m_error));
        Dict details;
        if (!authid.isEmpty())
            details.insert(s("authid"), authid);
        if (!authmethods.isEmpty()) {
            List methods;
            for (const QString &m : authmethods)
                methods.append(m);
            details.insert(s("authmethods"), methods);
        }
        auto m = p->hello(realm, details);
        QVERIFY(m);
        QString challengeString;
        if (m->type() == MessageType::Challenge) {
            const QString method = m->at(1).toString();
            const Dict extra = dictAt(*m, 2);
            QString signature;
            if (method == u"ticket") {
                QCOMPARE(extra, Dict());
                signature = secret;
            } else {
                QCOMPARE(method, s("wampcra"));
                challengeString = extra.value(s("challenge")).toString();
                QVERIFY(!challengeString.isEmpty());
                QByteArray key = secret.toUtf8();
                if (extra.contains(s("salt"))) {
                    QCOMPARE(extra.value(s("salt")), Value(s("salt123")));
                    QCOMPARE(extra.value(s("iterations")), Value(1000));
                    QCOMPARE(extra.value(s("keylen")), Value(32));
                    key = auth::craDeriveKey(secret, extra.value(s("salt")).toString(),
                                             int(extra.value(s("iterations")).toInt64().value_or(0)),
                                             int(extra.value(s("keylen")).toInt64().value_or(0)));
                } else {
                    QVERIFY(authid != u"salty");
                }
                signature = auth::craSign(key, challengeString);
            }
            p->send(Message::authenticate(signature, {}));
            m = p->waitFor(expected == u"welcome" ? MessageType::Welcome : MessageType::Abort);
            QVERIFY(m);
        }
        if (expected == u"welcome") {
            QCOMPARE(m->type(), MessageType::Welcome);
            const Dict d = dictAt(*m, 2);
            QCOMPARE(d.value(s("authrole")).toString(), authrole);
            QCOMPARE(d.value(s("authmethod")).toString(), authmethod);
            QCOMPARE(d.value(s("authprovider")).toString(), s("static"));
            QCOMPARE(d.value(s("realm")).toString(), realm);
            if (authmethod != u"anonymous")
                QCOMPARE(d.value(s("authid")).toString(), authid);
            else
                QVERIFY(!d.value(s("authid")).toString().isEmpty());
            if (!challengeString.isEmpty()) {
                // The challenge is a JSON object naming this principal and the session ID it was given.
                const QJsonObject c = QJsonDocument::fromJson(challengeString.toUtf8()).object();
                QCOMPARE(c.value(s("authid")).toString(), authid);
                QCOMPARE(c.value(s("authrole")).toString(), authrole);
                QCOMPARE(c.value(s("authmethod")).toString(), s("wampcra"));
                QCOMPARE(c.value(s("authprovider")).toString(), s("static"));
                QVERIFY(!c.value(s("nonce")).toString().isEmpty());
                QVERIFY(c.value(s("timestamp")).toString().endsWith(u'Z'));
                QCOMPARE(quint64(c.value(s("session")).toInteger()), m->at(1).toUInt64().value_or(0));
            }
            QTRY_COMPARE(m_router->sessionCount(), 1);
        } else {
            QCOMPARE(m->type(), MessageType::Abort);
            QCOMPARE(m->uri(), expected);
            const QString text = dictAt(*m, 1).value(s("message")).toString();
            QVERIFY(!text.isEmpty());
            if (expected == uris::authenticationDenied) {
                QVERIFY2(text.contains(authid), qPrintable(text));
                QVERIFY(logContains(s("authentication failed")));
            }
            QVERIFY(p->waitClosed());
            QCOMPARE(m_router->sessionCount(), 0);
        }
    }

    void authTimeout()
    {
        RouterConfig c = testConfig();
        c.authTimeoutMs = 300;
        QVERIFY(startRouter(c));
        // Challenged but never answers.
        FakePeer *p = peer(s("ws"));
        QVERIFY(p);
        const auto ch = p->hello(kRealm, {{s("authid"), s("alice")}, {s("authmethods"), List{s("ticket")}}});
        QVERIFY(ch);
        QCOMPARE(ch->type(), MessageType::Challenge);
        const auto ab = p->waitFor(MessageType::Abort);
        QVERIFY(ab);
        QCOMPARE(ab->uri(), uris::authenticationFailed);
        QVERIFY(p->waitClosed());
        // Never says HELLO.
        FakePeer *q = peer(s("rs"));
        QVERIFY(q);
        QVERIFY(q->waitClosed());
        QVERIFY(logContains(s("no HELLO within 300 ms")));
    }

    // ------------------------------------------------------------------ protocol violations

    void protocolViolation_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("joinFirst");
        QTest::addColumn<QByteArray>("raw");  ///< sent as is when not empty
        QTest::addColumn<Value>("message");   ///< otherwise this value, encoded as JSON
        QTest::addColumn<QString>("reason");  ///< expected in ABORT.Details.message

        const Dict roles{{s("roles"), FakePeer::defaultRoles()}};
        QByteArray garbage;
        for (int i = 0; i < 64; ++i)
            garbage.append(char(QRandomGenerator::global()->bounded(32, 127)));
        garbage.prepend("}{");
        for (const QString &kind : {s("ws"), s("rs")}) {
            auto row = [&](const char *name) -> QTestData & { return QTest::addRow("%s-%s", qPrintable(kind), name); };
            row("garbage-before-welcome") << kind << false << garbage << Value() << s("could not decode");
            row("garbage-after-welcome") << kind << true << garbage << Value() << s("could not decode");
            row("not-a-list") << kind << true << QByteArray() << Value(Dict{{s("a"), 1}}) << s("must be a list");
            row("empty-list") << kind << true << QByteArray() << Value(List{}) << s("empty");
            row("unknown-code") << kind << true << QByteArray() << Value(List{99, 1, Dict()}) << s("unknown message type 99");
            row("hello-twice") << kind << true << QByteArray() << Value(List{1, kRealm, roles}) << s("HELLO is not allowed");
            row("null-options") << kind << true << QByteArray() << Value(List{32, 1, Value(), s("com.t")}) << s("SUBSCRIBE: element 2 must be a dict");
            row("string-request-id") << kind << true << QByteArray() << Value(List{32, s("1"), Dict(), s("com.t")}) << s("element 1 must be an ID");
            row("id-too-big") << kind << true << QByteArray() << Value(List{48, qint64(9007199254740993ll), Dict(), s("com.p")}) << s("element 1 must be an ID");
            row("call-before-welcome") << kind << false << QByteArray() << Value(List{48, 1, Dict(), s("com.p")}) << s("CALL is not allowed before HELLO");
            row("goodbye-before-welcome") << kind << false << QByteArray() << Value(List{6, Dict(), s("wamp.close.close_realm")}) << s("GOODBYE is not allowed");
            row("welcome-from-client") << kind << true << QByteArray() << Value(List{2, 1, Dict()}) << s("WELCOME may not be sent by a client");
            row("event-from-client") << kind << true << QByteArray() << Value(List{36, 1, 2, Dict()}) << s("EVENT may not be sent by a client");
            row("error-for-call") << kind << true << QByteArray() << Value(List{8, 48, 1, Dict(), s("com.err")}) << s("ERROR for request type 48");
            row("error-for-publish") << kind << true << QByteArray() << Value(List{8, 16, 1, Dict(), s("com.err")}) << s("ERROR for request type 16");
            row("yield-never-sent") << kind << true << QByteArray() << Value(List{70, 12345, Dict()}) << s("YIELD for invocation 12345, which was never sent");
            row("invocation-error-never-sent") << kind << true << QByteArray() << Value(List{8, 68, 77, Dict(), s("com.err")}) << s("ERROR for invocation 77");
            row("hello-no-roles") << kind << false << QByteArray() << Value(List{1, kRealm, Dict()}) << s("roles is missing");
            row("hello-empty-roles") << kind << false << QByteArray() << Value(List{1, kRealm, Dict{{s("roles"), Dict()}}}) << s("roles must not be empty");
            row("hello-router-role") << kind << false << QByteArray() << Value(List{1, kRealm, Dict{{s("roles"), Dict{{s("broker"), Dict()}}}}}) << s("unknown role \"broker\"");
            row("hello-feature-not-bool") << kind << false << QByteArray()
                                          << Value(List{1, kRealm, Dict{{s("roles"), Dict{{s("caller"), Dict{{s("features"), Dict{{s("call_canceling"), 1}}}}}}}}})
                                          << s("must be a boolean");
            row("hello-bad-authmethods") << kind << false << QByteArray() << Value(List{1, kRealm, Dict{{s("roles"), FakePeer::defaultRoles()}, {s("authmethods"), s("ticket")}}}) << s("authmethods must be a list");
            row("call-bad-length") << kind << true << QByteArray() << Value(List{48, 1, Dict(), s("com.p"), List(), Dict(), 7}) << s("CALL must have 4 to 6 elements");
        }
    }
    void protocolViolation()
    {
        QFETCH(QString, kind);
        QFETCH(bool, joinFirst);
        QFETCH(QByteArray, raw);
        QFETCH(Value, message);
        QFETCH(QString, reason);

        // B: a bystander with a subscription; it must keep being served.
        FakePeer *b = joined(kind);
        QVERIFY2(b, qPrintable(m_error));
        QVERIFY(b->subscribe(s("com.topic")));

        FakePeer *a = peer(kind);
        QVERIFY2(a, qPrintable(m_error));
        QSignalSpy leftSpy(m_router.get(), &Router::sessionLeft);
        if (joinFirst) {
            QVERIFY(a->join(kRealm));
            QCOMPARE(a->register_(s("com.a.proc"))->type(), MessageType::Registered);
            QCOMPARE(a->subscribe(s("com.a.topic"))->type(), MessageType::Subscribed);
        }
        if (!raw.isEmpty())
            a->sendRaw(raw);
        else
            a->sendValue(message);

        const auto abort = a->waitFor(MessageType::Abort);
        QVERIFY2(abort, "no ABORT");
        QCOMPARE(abort->uri(), uris::protocolViolation);
        const QString text = dictAt(*abort, 1).value(s("message")).toString();
        QVERIFY2(text.contains(reason), qPrintable(text));
        QVERIFY(a->waitClosed());
        QVERIFY(logContains(s("protocol violation from")));
        QVERIFY(logContains(reason));
        if (joinFirst) {
            QTRY_COMPARE(leftSpy.size(), 1);
            QVERIFY(leftSpy.at(0).at(1).toString().contains(s("protocol violation")));
        }

        // Its registration is gone: someone else can take the procedure.
        checkStillServing(b);
        const auto reg = b->register_(s("com.a.proc"));
        QVERIFY(reg);
        QCOMPARE(reg->type(), MessageType::Registered);
        QCOMPARE(m_router->sessionCount(), 1);
        QCOMPARE(m_router->stats().protocolViolations, quint64(1));
    }

    void nonViolations_data() { addTransportRows(); }
    void nonViolations()
    {
        QFETCH(QString, kind);
        FakePeer *a = joined(kind);
        QVERIFY2(a, qPrintable(m_error));
        // Unknown option keys, CANCEL for an unknown call: ignored.
        const auto sub = a->subscribe(s("com.t"), {{s("x_custom"), s("whatever")}, {s("_private"), List{1}}});
        QVERIFY(sub);
        QCOMPARE(sub->type(), MessageType::Subscribed);
        a->send(Message::cancel(4242, {{s("mode"), s("kill")}}));
        // Bad URIs in requests are answered with ERROR invalid_uri, not ABORT.
        quint64 req = a->nextRequestId();
        a->send(Message::subscribe(req, {}, s("com..t")));
        auto e = a->waitReply(req, {MessageType::Subscribed});
        QVERIFY(e);
        QCOMPARE(e->type(), MessageType::Error);
        QCOMPARE(e->uri(), uris::invalidUri);
        QVERIFY(!e->args().value(0).toString().isEmpty());
        req = a->nextRequestId();
        a->send(Message::subscribe(req, {{s("match"), s("regex")}}, s("com.t")));
        e = a->waitReply(req, {MessageType::Subscribed});
        QVERIFY(e);
        QCOMPARE(e->uri(), uris::invalidArgument);
        checkStillServing(a);
        QVERIFY(!a->isClosed());
    }

    void messageTooLarge_data() { addTransportRows(); }
    void messageTooLarge()
    {
        // The transport enforces the listener's limit: only this connection closes, with a reason in the log.
        // ws: 20 MiB against the default 16 MiB. rs: a frame cannot announce more than 2^24 bytes, so the rs
        // listener gets a 1 MiB limit and a 2 MiB frame. Raw sockets: our client transports refuse to send
        // more than the peer accepts.
        QFETCH(QString, kind);
        RouterConfig c = testConfig();
        c.listeners[1].maxMessageSize = 1024 * 1024;
        QVERIFY(startRouter(c));
        FakePeer *b = joined(kind);
        QVERIFY2(b, qPrintable(m_error));
        QSignalSpy leftSpy(m_router.get(), &Router::sessionLeft);
        const QByteArray hello = codec::serializer(SerializerId::Json)
                                     ->encode(Message::hello(kRealm, {{s("roles"), FakePeer::defaultRoles()}}).toValue());
        const int size = kind == u"ws" ? 20 * 1024 * 1024 : 2 * 1024 * 1024;
        const QByteArray big = "[16,1,{},\"com.big\",[\"" + QByteArray(size, 'x') + "\"]]";
        bool closed = false;
        QByteArray received;
        if (kind == u"ws") {
            QWebSocket ws;
            QWebSocketHandshakeOptions options;
            options.setSubprotocols({s("wamp.2.json")});
            connect(&ws, &QWebSocket::disconnected, this, [&closed] { closed = true; });
            connect(&ws, &QWebSocket::textMessageReceived, this, [&received](const QString &t) { received += t.toUtf8(); });
            ws.open(urlFor(kind), options);
            QTRY_VERIFY(ws.state() == QAbstractSocket::ConnectedState);
            ws.sendTextMessage(QString::fromUtf8(hello));
            QTRY_VERIFY(received.startsWith("[2,"));
            ws.sendTextMessage(QString::fromUtf8(big));
            QTRY_VERIFY_WITH_TIMEOUT(closed, 15000);
            QCOMPARE(ws.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
        } else {
            QTcpSocket sock;
            connect(&sock, &QTcpSocket::disconnected, this, [&closed] { closed = true; });
            connect(&sock, &QTcpSocket::readyRead, this, [&sock, &received] { received += sock.readAll(); });
            sock.connectToHost(urlFor(kind).host(), quint16(urlFor(kind).port()));
            QTRY_VERIFY(sock.state() == QAbstractSocket::ConnectedState);
            sock.write(QByteArray::fromHex("7ff10000"));
            QTRY_COMPARE(received.size(), 4);
            QCOMPARE(received.at(0), char(0x7f));
            QCOMPARE(quint8(received.at(1)) & 0x0f, 1); // JSON echoed
            auto frame = [](const QByteArray &payload) -> QByteArray {
                const quint32 n = quint32(payload.size());
                QByteArray h(4, '\0');
                h[1] = char((n >> 16) & 0xff);
                h[2] = char((n >> 8) & 0xff);
                h[3] = char(n & 0xff);
                return h + payload;
            };
            sock.write(frame(hello));
            QTRY_VERIFY(received.size() > 8 && received.mid(8).startsWith("[2,"));
            sock.write(frame(big));
            QTRY_VERIFY_WITH_TIMEOUT(closed, 15000);
        }
        QTRY_COMPARE(leftSpy.size(), 1);
        QVERIFY2(logContains(s("exceeds the limit")), qPrintable(m_log.join(u'\n')));
        QVERIFY(leftSpy.at(0).at(1).toString().contains(s("exceeds the limit")));
        checkStillServing(b);
    }
};

QTEST_GUILESS_MAIN(TstRouter)
#include "tst_router.moc"
