// SPDX-License-Identifier: GPL-3.0-or-later
// core/mock: template rendering, spec validation, and MockResponder answering real calls through the
// built-in router (static, echo, error, template, delay, progressive, interrupt, enable/disable).

#include "fakes/routerfixture.h"
#include "fakes/testutil.h"

#include "mock/mockresponder.h"
#include "inspect/jsontext.h"
#include "mock/template.h"
#include "router/router.h"

#include <QSignalSpy>
#include <QTest>

using namespace wb;
using wamp::Value;

using wb::testing::CallOutcome;
using wb::testing::RouterFixture;
using wb::testing::s;

class TstMock : public QObject
{
    Q_OBJECT
private:
    RouterFixture m_f;

    bool enableAndWait(mock::MockResponder &m)
    {
        m.enable();
        return QTest::qWaitFor([&] { return m.state() == mock::MockResponder::State::Registered || m.state() == mock::MockResponder::State::Failed; }, 5000)
               && m.state() == mock::MockResponder::State::Registered;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_f.start(router::RouterConfig::defaults()));
    }
    void cleanupTestCase() { m_f.router.reset(); }

    void templates_data()
    {
        QTest::addColumn<QString>("tmpl");
        QTest::addColumn<QString>("expectedJson"); // empty: expect an error
        QTest::newRow("typed whole string") << s("[\"{{args[0]}}\", \"{{kwargs.n}}\"]") << s("[[1,2],5]");
        QTest::newRow("inside string") << s("{\"greeting\": \"hello {{kwargs.name}}!\"}") << s("{\"greeting\":\"hello Bob \\\"B\\\"!\"}");
        QTest::newRow("bare") << s("[{{args}}, {{kwargs.n}}]") << s("[[[1,2],\"x\"],5]");
        QTest::newRow("number in string") << s("[\"n={{kwargs.n}}\"]") << s("[\"n=5\"]");
        QTest::newRow("no placeholders") << s("[1, \"{x}\"]") << s("[1,\"{x}\"]");
        QTest::newRow("escaped quote before") << s("[\"a\\\"{{args[1]}}\"]") << s("[\"a\\\"x\"]");
        QTest::newRow("details") << s("[\"{{details.caller}}\"]") << s("[7]");
        QTest::newRow("missing") << s("[\"{{kwargs.nope}}\"]") << QString();
        QTest::newRow("unterminated") << s("[{{args[0]]") << QString();
        QTest::newRow("bad path") << s("[{{args[}}]") << QString();
        QTest::newRow("not json") << s("[{{args[1]}} junk]") << QString();
    }
    void templates()
    {
        QFETCH(QString, tmpl);
        QFETCH(QString, expectedJson);
        const wamp::List args{Value(wamp::List{1, 2}), s("x")};
        const wamp::Dict kwargs{{s("n"), Value(5)}, {s("name"), Value(s("Bob \"B\""))}};
        const wamp::Dict details{{s("caller"), Value(7)}};
        const Result<Value> r = mock::renderTemplate(tmpl, args, kwargs, details);
        if (expectedJson.isEmpty()) {
            QVERIFY(!r.ok());
            QVERIFY(!r.errorString().isEmpty());
            return;
        }
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(inspect::toCompactJson(*r), expectedJson);
    }

    void specValidation()
    {
        mock::MockSpec spec;
        QVERIFY(!spec.validate().ok()); // no procedure
        spec.procedure = s("com.x");
        QVERIFY(spec.validate().ok());
        spec.argsJson = s("[1,");
        QVERIFY(spec.validate().errorString().contains(s("args: line 1")));
        spec.argsJson = s("{}");
        QVERIFY(spec.validate().errorString().contains(s("array")));
        spec.mode = mock::MockSpec::Mode::Error;
        spec.errorUri.clear();
        QVERIFY(!spec.validate().ok());
        QCOMPARE(mock::MockSpec::parseMode(s("template")), mock::MockSpec::Mode::Template);
        QVERIFY(!mock::MockSpec::parseMode(s("bogus")));
    }

    void modes()
    {
        auto callee = m_f.join();
        auto caller = m_f.join();
        QVERIFY(callee && caller);

        mock::MockSpec st;
        st.procedure = s("com.mock.static");
        st.argsJson = s("[42]");
        st.kwargsJson = s("{\"ok\": true}");
        mock::MockResponder mStatic(callee.get(), st);
        QVERIFY(enableAndWait(mStatic));
        CallOutcome o = RouterFixture::call(*caller, st.procedure, {1}, {});
        QVERIFY(o.done && o.ok);
        QCOMPARE(o.result.args, (wamp::List{42}));
        QCOMPARE(o.result.kwargs.value(s("ok")), Value(true));
        QCOMPARE(mStatic.log().size(), 1);
        QCOMPARE(mStatic.log().first().args, (wamp::List{1}));
        QVERIFY(mStatic.log().first().done);
        QVERIFY(mStatic.log().first().reply.startsWith(s("RESULT [42]")));

        mock::MockSpec echo;
        echo.procedure = s("com.mock.echo");
        echo.mode = mock::MockSpec::Mode::Echo;
        mock::MockResponder mEcho(callee.get(), echo);
        QVERIFY(enableAndWait(mEcho));
        o = RouterFixture::call(*caller, echo.procedure, {s("a"), 2}, {{s("k"), Value(1)}});
        QCOMPARE(o.result.args, (wamp::List{s("a"), 2}));
        QCOMPARE(o.result.kwargs.value(s("k")), Value(1));

        mock::MockSpec err;
        err.procedure = s("com.mock.err");
        err.mode = mock::MockSpec::Mode::Error;
        err.errorUri = s("com.example.error.nope");
        err.errorArgsJson = s("[\"bad\"]");
        mock::MockResponder mErr(callee.get(), err);
        QVERIFY(enableAndWait(mErr));
        o = RouterFixture::call(*caller, err.procedure, {}, {});
        QVERIFY(o.done && !o.ok);
        QCOMPARE(o.error.uri, s("com.example.error.nope"));
        QCOMPARE(o.error.args, (wamp::List{s("bad")}));
        QVERIFY(mErr.log().first().error);

        mock::MockSpec tpl;
        tpl.procedure = s("com.mock.tpl");
        tpl.mode = mock::MockSpec::Mode::Template;
        tpl.argsJson = s("[\"{{args[0]}}\", \"hi {{kwargs.name}}\"]");
        tpl.kwargsJson = s("{\"echoed\": {{kwargs}}}");
        mock::MockResponder mTpl(callee.get(), tpl);
        QVERIFY(enableAndWait(mTpl));
        o = RouterFixture::call(*caller, tpl.procedure, {7}, {{s("name"), Value(s("Ann"))}});
        QVERIFY2(o.ok, qPrintable(o.error.toString()));
        QCOMPARE(o.result.args, (wamp::List{7, s("hi Ann")}));
        QCOMPARE(o.result.kwargs.value(s("echoed"))[s("name")], Value(s("Ann")));
        // a template that cannot render answers with an error and says why
        o = RouterFixture::call(*caller, tpl.procedure, {}, {});
        QVERIFY(o.done && !o.ok);
        QCOMPARE(o.error.uri, wamp::uris::invalidArgument);
        QVERIFY(mTpl.log().last().reply.contains(s("template failed")));
    }

    void delayAndProgressive()
    {
        auto callee = m_f.join();
        auto caller = m_f.join();
        QVERIFY(callee && caller);
        mock::MockSpec p;
        p.procedure = s("com.mock.prog");
        p.mode = mock::MockSpec::Mode::Progressive;
        p.progressiveJson = s("[[1], {\"args\": [2], \"kwargs\": {\"step\": 2}}, 3]");
        p.argsJson = s("[\"done\"]");
        p.delayMs = 20;
        mock::MockResponder m(callee.get(), p);
        QVERIFY(enableAndWait(m));
        wamp::Dict opts{{s("receive_progress"), Value(true)}};
        CallOutcome o = RouterFixture::call(*caller, p.procedure, {}, {}, opts);
        QVERIFY(o.done && o.ok);
        QCOMPARE(o.progress.size(), 3);
        QCOMPARE(o.progress.at(0).args, (wamp::List{1}));
        QCOMPARE(o.progress.at(1).kwargs.value(s("step")), Value(2));
        QCOMPARE(o.progress.at(2).args, (wamp::List{3}));
        QCOMPARE(o.result.args, (wamp::List{s("done")}));
        QCOMPARE(m.log().first().progressSent, 3);
        QVERIFY(m.log().first().reply.contains(s("3 progressive, then RESULT")));

        // delay + cancel: the caller cancels, the mock gets INTERRUPT and logs it
        mock::MockSpec d;
        d.procedure = s("com.mock.slow");
        d.argsJson = s("[1]");
        d.delayMs = 5000;
        mock::MockResponder slow(callee.get(), d);
        QVERIFY(enableAndWait(slow));
        bool gotError = false;
        QString errUri;
        const quint64 req = caller->call(d.procedure, {}, {}, {}, [](const session::CallResult &) {},
                                         [&](const session::WampError &e) { gotError = true; errUri = e.uri; });
        QTRY_COMPARE(slow.log().size(), 1);
        caller->cancel(req, s("kill"));
        QTRY_VERIFY(gotError);
        QCOMPARE(errUri, wamp::uris::canceled);
        QTRY_VERIFY(slow.log().first().reply.contains(s("INTERRUPT")));
    }

    void enableDisable()
    {
        auto callee = m_f.join();
        auto caller = m_f.join();
        QVERIFY(callee && caller);
        mock::MockSpec p;
        p.procedure = s("com.mock.toggle");
        p.argsJson = s("[1]");
        mock::MockResponder m(callee.get(), p);
        QVERIFY(enableAndWait(m));
        QVERIFY(RouterFixture::call(*caller, p.procedure, {}, {}).ok);
        m.disable();
        QTRY_COMPARE(m.state(), mock::MockResponder::State::Disabled);
        CallOutcome o = RouterFixture::call(*caller, p.procedure, {}, {});
        QVERIFY(o.done && !o.ok);
        QCOMPARE(o.error.uri, wamp::uris::noSuchProcedure);
        QVERIFY(enableAndWait(m));
        QVERIFY(RouterFixture::call(*caller, p.procedure, {}, {}).ok);

        // a second mock on the same URI fails with the router's reason
        mock::MockResponder dup(callee.get(), p);
        dup.enable();
        QTRY_COMPARE(dup.state(), mock::MockResponder::State::Failed);
        QVERIFY(dup.lastError().contains(wamp::uris::procedureAlreadyExists));
        // invalid spec never registers
        mock::MockSpec bad = p;
        bad.argsJson = s("[");
        mock::MockResponder b(callee.get(), bad);
        b.enable();
        QCOMPARE(b.state(), mock::MockResponder::State::Failed);
        QVERIFY(b.lastError().contains(s("line 1")));
    }
};

QTEST_GUILESS_MAIN(TstMock)
#include "tst_mock.moc"
