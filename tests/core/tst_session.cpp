// SPDX-License-Identifier: GPL-3.0-or-later
// Client session <-> built-in router round trips over every transport x serializer, in process.

#include "fakes/routerfixture.h"
#include "fakes/testutil.h"

#include "auth/cryptosign.h"
#include "auth/scram.h"
#include "router/router.h"
#include "session/session.h"
#include "wamp/errors.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;
using namespace wb::wamp;

using wb::testing::RouterFixture;
using wb::testing::s;

namespace {
// wamp-notes §9.3's key pair; the second seed is not authorized.
const QByteArray kSeed = QByteArray::fromHex("4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510");
const QByteArray kOtherSeed(32, '\x42');
}

class TstSession : public QObject
{
    Q_OBJECT
private:
    RouterFixture m_f;
    QTemporaryDir m_dir;

    /// A joined session over \a kind ("ws", "rs", "unix") or nullptr.
    std::unique_ptr<session::Session> join(const QString &kind, codec::SerializerId ser, const session::SessionOptions &o = {})
    {
        return RouterFixture::joinAt(m_f.urlFor(kind), ser, o);
    }

    void matrix()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<int>("serializer");
        QTest::addColumn<int>("peerSerializer");
        const QStringList kinds{s("ws"), s("rs"), s("unix")};
        const QList<QPair<const char *, codec::SerializerId>> sers{
            {"json", codec::SerializerId::Json}, {"msgpack", codec::SerializerId::MsgPack}, {"cbor", codec::SerializerId::Cbor}};
        for (const QString &k : kinds)
            for (const auto &[name, id] : sers)
                QTest::addRow("%s-%s", qPrintable(k), name) << k << int(id) << int(id);
        // mixed serializers between the two peers
        QTest::addRow("ws-json-vs-msgpack") << s("ws") << int(codec::SerializerId::Json) << int(codec::SerializerId::MsgPack);
        QTest::addRow("rs-cbor-vs-json") << s("rs") << int(codec::SerializerId::Cbor) << int(codec::SerializerId::Json);
        QTest::addRow("unix-msgpack-vs-cbor") << s("unix") << int(codec::SerializerId::MsgPack) << int(codec::SerializerId::Cbor);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        router::RouterConfig cfg = router::RouterConfig::defaults();
        router::UserConfig ticket;
        ticket.authid = s("alice");
        ticket.authmethod = s("ticket");
        ticket.secret = s("s3cret");
        router::UserConfig cra;
        cra.authid = s("peter");
        cra.authmethod = s("wampcra");
        cra.secret = s("secret123");
        router::UserConfig salted = cra;
        salted.authid = s("salty");
        salted.salt = s("salt123");
        salted.iterations = 1000;
        salted.keylen = 32;
        router::UserConfig device;
        device.authid = s("device7");
        device.authmethod = s("cryptosign");
        device.authorizedKeys = {QString::fromLatin1(auth::ed25519KeyPairFromSeed(kSeed).publicKey.toHex())};
        router::UserConfig carol;
        carol.authid = s("carol");
        carol.authmethod = s("scram");
        carol.secret = s("pencil");
        carol.kdf = auth::kScramKdfArgon2id;
        carol.salt = s("W22ZaJ0SNY7soEsUEjb6gQ==");
        carol.iterations = 1;
        carol.memory = 1024;
        router::UserConfig dave = carol;
        dave.authid = s("dave");
        dave.kdf = auth::kScramKdfPbkdf2;
        dave.iterations = 1000;
        // A router that holds the right StoredKey but a wrong ServerKey: the client must not trust its WELCOME.
        router::UserConfig impostor = dave;
        impostor.authid = s("impostor");
        const auto keys = auth::scramDeriveKeys(s("pencil"), {dave.kdf, dave.salt, dave.iterations, 0});
        impostor.storedKey = QString::fromLatin1(keys->storedKey.toHex());
        impostor.serverKey = QString(64, u'0');
        impostor.secret.clear();
        cfg.users = {ticket, cra, salted, device, carol, dave, impostor};
        QVERIFY(m_f.start(cfg, {router::ListenerConfig{QUrl(s("ws://127.0.0.1:0/ws"))},
                                router::ListenerConfig{QUrl(s("rs://127.0.0.1:0"))},
                                router::ListenerConfig{QUrl(s("unix://") + m_dir.filePath(s("router.sock")))}}));
        QVERIFY(m_f.ws.port() > 0);
        QVERIFY(m_f.rs.port() > 0);
        QVERIFY(!m_f.unixUrl.path().isEmpty());
    }
    void cleanupTestCase() { m_f.router.reset(); }

    void rpc_data() { matrix(); }
    void rpc()
    {
        QFETCH(QString, transport);
        QFETCH(int, serializer);
        QFETCH(int, peerSerializer);
        auto callee = join(transport, codec::SerializerId(peerSerializer));
        auto caller = join(transport, codec::SerializerId(serializer));
        QVERIFY(callee && caller);
        const QString proc = s("com.example.echo.") + QString::fromLatin1(QTest::currentDataTag()).replace(u'-', u'_');
        bool registered = false;
        callee->registerProcedure(
            proc, {}, [&](const session::InvocationData &inv) { callee->yield(inv.requestId, inv.args, inv.kwargs); },
            [&](quint64 id) { registered = id > 0; }, [](const session::WampError &e) { qWarning() << e.toString(); });
        QTRY_VERIFY(registered);

        const List args{9007199254740992ll, -9007199254740992ll, 1.5, s("h\u00e9llo \u4e16\u754c \U0001F600"),
                        Value::bytes(QByteArray("\x00\x01\xfe\xff", 4)), List{1, List{}, Dict{}}, Value(), true};
        const Dict kwargs{{s("nested"), Dict{{s("k"), List{s("v")}}}}, {s("n"), -1}};
        std::optional<session::CallResult> result;
        caller->call(proc, args, kwargs, {}, [&](const session::CallResult &r) { result = r; },
                     [](const session::WampError &e) { qWarning() << e.toString(); });
        QTRY_VERIFY(result.has_value());
        QCOMPARE(Value(result->args), Value(args));
        QCOMPARE(Value(result->kwargs), Value(kwargs));
    }

    void pubsub_data() { matrix(); }
    void pubsub()
    {
        QFETCH(QString, transport);
        QFETCH(int, serializer);
        QFETCH(int, peerSerializer);
        auto sub = join(transport, codec::SerializerId(peerSerializer));
        auto pub = join(transport, codec::SerializerId(serializer));
        QVERIFY(sub && pub);
        const QString topic = s("com.example.topic.") + QString::fromLatin1(QTest::currentDataTag()).replace(u'-', u'_');
        QList<session::EventData> events;
        bool subscribed = false;
        sub->subscribe(topic, {}, [&](const session::EventData &e) { events.append(e); }, [&](quint64) { subscribed = true; },
                       [](const session::WampError &e) { qWarning() << e.toString(); });
        QTRY_VERIFY(subscribed);
        quint64 publication = 0;
        pub->publish(topic, List{1, s("two")}, Dict{{s("three"), 3}}, Dict{{s("acknowledge"), true}},
                     [&](quint64 id) { publication = id; }, [](const session::WampError &e) { qWarning() << e.toString(); });
        QTRY_VERIFY(publication > 0);
        QTRY_COMPARE(events.size(), 1);
        QCOMPARE(events.first().publication, publication);
        QCOMPARE(Value(events.first().args), Value(List{1, s("two")}));
        QCOMPARE(Value(events.first().kwargs), Value(Dict{{s("three"), 3}}));
        QCOMPARE(events.first().topic, topic);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::addColumn<int>("serializer");
        QTest::newRow("ws-json") << s("ws") << int(codec::SerializerId::Json);
        QTest::newRow("rs-msgpack") << s("rs") << int(codec::SerializerId::MsgPack);
        QTest::newRow("unix-cbor") << s("unix") << int(codec::SerializerId::Cbor);
    }
    void errors()
    {
        QFETCH(QString, transport);
        QFETCH(int, serializer);
        auto callee = join(transport, codec::SerializerId(serializer));
        auto caller = join(transport, codec::SerializerId(serializer));
        QVERIFY(callee && caller);
        const QString proc = s("com.example.fails.") + QString::fromLatin1(QTest::currentDataTag()).replace(u'-', u'_');
        bool registered = false;
        callee->registerProcedure(
            proc, {},
            [&](const session::InvocationData &inv) {
                callee->yieldError(inv.requestId, s("com.example.error.oops"), List{1, 2}, Dict{{s("a"), 3}});
            },
            [&](quint64) { registered = true; }, {});
        QTRY_VERIFY(registered);

        std::optional<session::WampError> error;
        caller->call(proc, {}, {}, {}, {}, [&](const session::WampError &e) { error = e; });
        QTRY_VERIFY(error.has_value());
        QCOMPARE(error->uri, s("com.example.error.oops"));
        QCOMPARE(Value(error->args), Value(List{1, 2}));
        QCOMPARE(Value(error->kwargs), Value(Dict{{s("a"), 3}}));

        error.reset();
        caller->call(s("com.example.nobody"), {}, {}, {}, {}, [&](const session::WampError &e) { error = e; });
        QTRY_VERIFY(error.has_value());
        QCOMPARE(error->uri, uris::noSuchProcedure);

        error.reset();
        caller->registerProcedure(proc, {}, {}, {}, [&](const session::WampError &e) { error = e; });
        QTRY_VERIFY(error.has_value());
        QCOMPARE(error->uri, uris::procedureAlreadyExists);

        // A callee that leaves mid-call gives the caller an error, not silence.
        const QString slow = proc + s("_slow");
        registered = false;
        callee->registerProcedure(slow, {}, [](const session::InvocationData &) {}, [&](quint64) { registered = true; }, {});
        QTRY_VERIFY(registered);
        error.reset();
        bool invoked = false;
        QObject::connect(callee.get(), &session::Session::messageReceived, callee.get(),
                         [&](const Message &m) { invoked |= m.type() == MessageType::Invocation; });
        caller->call(slow, {}, {}, {}, {}, [&](const session::WampError &e) { error = e; });
        QTRY_VERIFY(invoked);
        callee->disconnectNow(s("test: callee goes away"));
        QTRY_VERIFY(error.has_value());
        QCOMPARE(error->uri, uris::canceled);

        // Its registrations were cleaned up: someone else may register the same procedure now.
        registered = false;
        caller->registerProcedure(slow, {}, {}, [&](quint64) { registered = true; }, {});
        QTRY_VERIFY(registered);
    }

    void auth_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("authid");
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QByteArray>("privateKey");
        QTest::addColumn<QString>("error"); ///< empty: joins
        const QByteArray none;
        QTest::newRow("ticket-ok") << s("ticket") << s("alice") << s("s3cret") << none << QString();
        QTest::newRow("ticket-wrong") << s("ticket") << s("alice") << s("nope") << none << uris::authenticationDenied;
        QTest::newRow("cra-ok") << s("wampcra") << s("peter") << s("secret123") << none << QString();
        QTest::newRow("cra-wrong") << s("wampcra") << s("peter") << s("secret124") << none << uris::authenticationDenied;
        QTest::newRow("cra-salted-ok") << s("wampcra") << s("salty") << s("secret123") << none << QString();
        QTest::newRow("cra-salted-wrong") << s("wampcra") << s("salty") << s("secret") << none << uris::authenticationDenied;
        QTest::newRow("unknown-user") << s("ticket") << s("mallory") << s("x") << none << uris::noSuchPrincipal;
        QTest::newRow("cryptosign-ok") << s("cryptosign") << s("device7") << QString() << kSeed << QString();
        QTest::newRow("cryptosign-ok-no-authid") << s("cryptosign") << QString() << QString() << kSeed << QString();
        QTest::newRow("cryptosign-wrong-key") << s("cryptosign") << s("device7") << QString() << kOtherSeed << uris::authenticationDenied;
        QTest::newRow("cryptosign-unknown-authid") << s("cryptosign") << s("mallory") << QString() << kSeed << uris::noSuchPrincipal;
        QTest::newRow("scram-argon2id-ok") << s("scram") << s("carol") << s("pencil") << none << QString();
        QTest::newRow("scram-argon2id-wrong") << s("scram") << s("carol") << s("pencil2") << none << uris::authenticationDenied;
        QTest::newRow("scram-pbkdf2-ok") << s("scram") << s("dave") << s("pencil") << none << QString();
        QTest::newRow("scram-pbkdf2-wrong") << s("scram") << s("dave") << s("") << none << uris::authenticationDenied;
        QTest::newRow("scram-unknown-authid") << s("scram") << s("mallory") << s("pencil") << none << uris::noSuchPrincipal;
        QTest::newRow("scram-router-without-server-key") << s("scram") << s("impostor") << s("pencil") << none << uris::authenticationFailed;
    }
    void auth()
    {
        QFETCH(QString, method);
        QFETCH(QString, authid);
        QFETCH(QString, secret);
        QFETCH(QByteArray, privateKey);
        QFETCH(QString, error);
        session::SessionOptions o;
        o.auth.method = method;
        o.auth.authid = authid;
        o.auth.secret = secret;
        o.auth.privateKey = privateKey;
        session::Session sess;
        QSignalSpy joined(&sess, &session::Session::joined);
        QSignalSpy left(&sess, &session::Session::left);
        transport::ConnectOptions c;
        c.url = m_f.ws;
        sess.open(c, o);
        QTRY_VERIFY(!joined.isEmpty() || !left.isEmpty());
        QCOMPARE(!joined.isEmpty(), error.isEmpty());
        if (error.isEmpty()) {
            // WELCOME names the principal and how it was authenticated.
            QCOMPARE(sess.welcomeDetails().value(s("authid")).toString(), authid.isEmpty() ? s("device7") : authid);
            QCOMPARE(sess.welcomeDetails().value(s("authmethod")).toString(), method);
            QCOMPARE(sess.welcomeDetails().value(s("authrole")).toString(), s("user"));
            QCOMPARE(sess.welcomeDetails().value(s("authprovider")).toString(), s("static"));
        } else {
            QCOMPARE(left.first().at(0).toString(), error);
            if (authid == u"impostor")
                QVERIFY2(left.first().at(1).toString().contains(s("does not verify")), qPrintable(left.first().at(1).toString()));
        }
    }

    void goodbye()
    {
        auto sess = join(s("ws"), codec::SerializerId::Json);
        QVERIFY(sess);
        QSignalSpy left(sess.get(), &session::Session::left);
        sess->leave();
        QTRY_COMPARE(left.size(), 1);
        // the router's reply reason, not our own timeout
        QVERIFY2(left.first().at(1).toString().isEmpty(), qPrintable(left.first().at(1).toString()));
        QCOMPARE(sess->state(), session::Session::State::Closed);
    }

    void noSuchRealm()
    {
        session::SessionOptions o;
        o.realm = s("com.example.nonexistent");
        session::Session sess;
        QSignalSpy left(&sess, &session::Session::left);
        transport::ConnectOptions c;
        c.url = m_f.rs;
        sess.open(c, o);
        QTRY_COMPARE(left.size(), 1);
        QCOMPARE(left.first().at(0).toString(), uris::noSuchRealm);
    }

    void pendingRequestsFailWhenRouterGoesAway()
    {
        router::RouterConfig cfg = router::RouterConfig::defaults();
        cfg.listeners = {router::ListenerConfig{QUrl(s("ws://127.0.0.1:0/ws"))}};
        auto r = std::make_unique<router::Router>(cfg);
        QVERIFY(r->start().ok());
        transport::ConnectOptions c;
        c.url = r->listeningUrls().first();
        session::Session callee, sess;
        QSignalSpy calleeJoined(&callee, &session::Session::joined);
        QSignalSpy joined(&sess, &session::Session::joined);
        callee.open(c, {});
        sess.open(c, {});
        QTRY_COMPARE(calleeJoined.size(), 1);
        QTRY_COMPARE(joined.size(), 1);
        bool registered = false, invoked = false;
        callee.registerProcedure(s("com.example.never"), {}, [&](const session::InvocationData &) { invoked = true; },
                                 [&](quint64) { registered = true; }, {});
        QTRY_VERIFY(registered);
        std::optional<session::WampError> error;
        sess.call(s("com.example.never"), {}, {}, {}, {}, [&](const session::WampError &e) { error = e; });
        QTRY_VERIFY(invoked); // the call is really pending at the callee
        QVERIFY(!error.has_value());
        r->stop();
        QTRY_VERIFY(error.has_value());
        QTRY_COMPARE(sess.state(), session::Session::State::Closed);
    }

    // ---- the client Session drives the Advanced Profile RPC (moved from tst_advanced) ----

    void clientProgressiveInvocationsAndResults()
    {
        auto callee = join(s("rs"), codec::SerializerId::MsgPack);
        auto caller = join(s("ws"), codec::SerializerId::Json);
        QVERIFY(callee && caller);
        QList<session::InvocationData> chunks;
        bool registered = false;
        callee->registerProcedure(
            s("com.sum"), {{s("invoke"), s("roundrobin")}},
            [&](const session::InvocationData &inv) {
                chunks.append(inv);
                // One progressive result per input chunk (full duplex), the sum with the final chunk.
                if (inv.progress) {
                    callee->yield(inv.requestId, {inv.args.value(0)}, {}, {{s("progress"), true}});
                    return;
                }
                qint64 sum = 0;
                for (const auto &c : std::as_const(chunks))
                    sum += c.args.value(0).toInt64().value_or(0);
                callee->yield(inv.requestId, {sum});
            },
            [&](quint64) { registered = true; }, [](const session::WampError &e) { QFAIL(qPrintable(e.toString())); });
        QTRY_VERIFY(registered);
        QList<session::CallResult> results;
        QString error;
        const quint64 req = caller->call(
            s("com.sum"), {1}, {}, {{s("progress"), true}, {s("receive_progress"), true}},
            [&](const session::CallResult &r) { results.append(r); }, [&](const session::WampError &e) { error = e.uri; });
        QVERIFY(req);
        QVERIFY(caller->sendCallChunk(req, {2}));
        QVERIFY(caller->sendCallChunk(req, {3}));
        QVERIFY(caller->sendCallChunk(req, {4}, {}, false));
        QVERIFY(!caller->sendCallChunk(req, {5}, {}, false)); // the input has ended
        QTRY_VERIFY(!results.isEmpty() && !results.last().progress);
        QVERIFY(error.isEmpty());
        QCOMPARE(chunks.size(), 4);
        QCOMPARE(chunks.at(0).continuation, false);
        for (int i = 1; i < 4; ++i) {
            QCOMPARE(chunks.at(i).requestId, chunks.at(0).requestId);
            QCOMPARE(chunks.at(i).continuation, true);
        }
        QCOMPARE(chunks.at(3).progress, false);
        QCOMPARE(results.size(), 4);
        QCOMPARE(results.at(0).args, (List{1}));
        QCOMPARE(results.at(2).args, (List{3}));
        QCOMPARE(results.at(3).args, (List{10}));
        QCOMPARE(caller->pendingRequestCount(), 0);
        // A call not started as a stream takes no chunks.
        const quint64 plain = caller->call(s("com.sum"), {1}, {}, {}, {}, {});
        QVERIFY(!caller->sendCallChunk(plain, {2}));
    }

    void clientInterruptedByTimeoutAndCancel()
    {
        auto callee = join(s("ws"), codec::SerializerId::Json);
        auto caller = join(s("rs"), codec::SerializerId::Json);
        QVERIFY(callee && caller);
        QList<std::pair<quint64, QString>> interrupts;
        QList<quint64> invocations;
        bool registered = false;
        callee->registerProcedure(
            s("com.hang"), {}, [&](const session::InvocationData &inv) { invocations.append(inv.requestId); },
            [&](quint64) { registered = true; }, {},
            [&](quint64 request, const QString &mode) {
                interrupts.append({request, mode});
                if (mode == u"kill")
                    callee->yieldError(request, uris::canceled, {s("stopped")});
            });
        QTRY_VERIFY(registered);
        // The router times the call out: the caller gets wamp.error.timeout, the callee INTERRUPT killnowait.
        session::WampError timeoutError;
        caller->call(s("com.hang"), {}, {}, {{s("timeout"), 150}}, {}, [&](const session::WampError &e) { timeoutError = e; });
        QTRY_COMPARE(timeoutError.uri, uris::timeout);
        QTRY_COMPARE(interrupts.size(), 1);
        QCOMPARE(interrupts.at(0), std::make_pair(invocations.at(0), s("killnowait")));
        // CANCEL kill: the callee's own error answers the caller.
        session::WampError cancelError;
        const quint64 req = caller->call(s("com.hang"), {}, {}, {}, {}, [&](const session::WampError &e) { cancelError = e; });
        QTRY_COMPARE(invocations.size(), 2);
        caller->cancel(req, s("kill"));
        QTRY_COMPARE(cancelError.uri, uris::canceled);
        QCOMPARE(interrupts.size(), 2);
        QCOMPARE(interrupts.at(1), std::make_pair(invocations.at(1), s("kill")));
        QCOMPARE(cancelError.args, (List{s("stopped")}));
    }
};

QTEST_GUILESS_MAIN(TstSession)
#include "tst_session.moc"
