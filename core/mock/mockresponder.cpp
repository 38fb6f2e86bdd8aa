// SPDX-License-Identifier: GPL-3.0-or-later
#include "mock/mockresponder.h"

#include "inspect/jsontext.h"
#include "mock/template.h"

#include <QDateTime>
#include <QTimer>

namespace wb::mock {

using wamp::Value;

QString MockSpec::modeName(Mode m)
{
    switch (m) {
    case Mode::Static: return QStringLiteral("static");
    case Mode::Echo: return QStringLiteral("echo");
    case Mode::Error: return QStringLiteral("error");
    case Mode::Template: return QStringLiteral("template");
    case Mode::Progressive: return QStringLiteral("progressive");
    }
    return QString();
}

std::optional<MockSpec::Mode> MockSpec::parseMode(const QString &name)
{
    for (Mode m : {Mode::Static, Mode::Echo, Mode::Error, Mode::Template, Mode::Progressive})
        if (modeName(m) == name)
            return m;
    return std::nullopt;
}

namespace {

Result<Value> parseField(const QString &text, const QString &field, Value::Kind kind)
{
    if (text.trimmed().isEmpty())
        return kind == Value::Kind::List ? Value(wamp::List()) : Value(wamp::Dict());
    const inspect::JsonParse p = inspect::parseJsonText(text);
    if (!p.ok)
        return Result<Value>::failure(QStringLiteral("mock.json"), QStringLiteral("%1: %2").arg(field, p.error.toString()));
    if (p.value.kind() != kind)
        return Result<Value>::failure(QStringLiteral("mock.json"),
                                      QStringLiteral("%1: expected a JSON %2").arg(field, kind == Value::Kind::List ? QStringLiteral("array") : QStringLiteral("object")));
    return p.value;
}

QString describe(const wamp::List &a, const wamp::Dict &k)
{
    return inspect::toCompactJson(Value(a)) + QLatin1Char(' ') + inspect::toCompactJson(Value(k));
}

} // namespace

Status MockSpec::validate() const
{
    if (procedure.trimmed().isEmpty())
        return Status::failure(QStringLiteral("mock.procedure"), QStringLiteral("procedure: empty"));
    const auto check = [](const Result<Value> &r) { return r.ok() ? Status() : Status(r.error()); };
    switch (mode) {
    case Mode::Static: {
        if (Status s = check(parseField(argsJson, QStringLiteral("args"), Value::Kind::List)); !s.ok()) return s;
        return check(parseField(kwargsJson, QStringLiteral("kwargs"), Value::Kind::Dict));
    }
    case Mode::Progressive: {
        if (Status s = check(parseField(argsJson, QStringLiteral("args"), Value::Kind::List)); !s.ok()) return s;
        if (Status s = check(parseField(kwargsJson, QStringLiteral("kwargs"), Value::Kind::Dict)); !s.ok()) return s;
        return check(parseField(progressiveJson, QStringLiteral("progressive results"), Value::Kind::List));
    }
    case Mode::Error:
        if (errorUri.trimmed().isEmpty())
            return Status::failure(QStringLiteral("mock.error_uri"), QStringLiteral("error URI: empty"));
        if (Status s = check(parseField(errorArgsJson, QStringLiteral("error args"), Value::Kind::List)); !s.ok()) return s;
        return check(parseField(errorKwargsJson, QStringLiteral("error kwargs"), Value::Kind::Dict));
    case Mode::Echo:
    case Mode::Template:
        return {};
    }
    return {};
}

MockResponder::MockResponder(session::Session *session, MockSpec spec, QObject *parent)
    : QObject(parent), m_session(session), m_spec(std::move(spec))
{
    if (session)
        connect(session, &session::Session::left, this, &MockResponder::sessionLeft);
}

MockResponder::~MockResponder()
{
    // Answer what is still pending so callers are not left hanging.
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it)
        if (m_session && m_session->isJoined())
            m_session->yieldError(it.key(), wamp::uris::canceled);
    if (m_session && m_registration && m_session->isJoined())
        m_session->unregister(m_registration);
}

Status MockResponder::setSpec(const MockSpec &spec)
{
    if (Status s = spec.validate(); !s.ok())
        return s;
    const bool reRegister = spec.procedure != m_spec.procedure || spec.match != m_spec.match || spec.invoke != m_spec.invoke;
    m_spec = spec;
    if (reRegister && m_wantEnabled) {
        disable();
        enable();
    }
    return {};
}

void MockResponder::setState(State s, const QString &error)
{
    m_lastError = error;
    if (s == m_state && error.isEmpty())
        return;
    m_state = s;
    emit stateChanged(s);
}

void MockResponder::enable()
{
    m_wantEnabled = true;
    if (Status st = m_spec.validate(); !st.ok()) {
        m_wantEnabled = false;
        setState(State::Failed, st.errorString());
        return;
    }
    if (!m_session || !m_session->isJoined()) {
        setState(State::Failed, QStringLiteral("session not joined"));
        m_wantEnabled = false;
        return;
    }
    if (m_state == State::Registered || m_state == State::Registering)
        return;
    wamp::Dict opts;
    if (m_spec.match != QLatin1String("exact"))
        opts.insert(QStringLiteral("match"), m_spec.match);
    if (m_spec.invoke != QLatin1String("single"))
        opts.insert(QStringLiteral("invoke"), m_spec.invoke);
    setState(State::Registering);
    QPointer<MockResponder> self(this);
    m_session->registerProcedure(
        m_spec.procedure, opts,
        [self](const session::InvocationData &inv) { if (self) self->onInvocation(inv); },
        [self](quint64 id) {
            if (!self)
                return;
            self->m_registration = id;
            if (!self->m_wantEnabled) { // disabled meanwhile
                self->m_session->unregister(id);
                self->m_registration = 0;
                self->setState(State::Disabled);
                return;
            }
            self->setState(State::Registered);
        },
        [self](const session::WampError &e) {
            if (!self)
                return;
            self->m_wantEnabled = false;
            self->setState(State::Failed, e.toString());
        },
        [self](quint64 req, const QString &mode) { if (self) self->onInterrupt(req, mode); });
}

void MockResponder::disable()
{
    m_wantEnabled = false;
    const QList<quint64> pending = m_pending.keys();
    for (quint64 req : pending) {
        PendingReply p = m_pending.take(req);
        delete p.timer;
        if (m_session && m_session->isJoined())
            m_session->yieldError(req, wamp::uris::canceled, {QStringLiteral("mock disabled")});
        if (const int i = logIndex(req); i >= 0) {
            m_log[i].reply = QStringLiteral("ERROR wamp.error.canceled (mock disabled)");
            m_log[i].error = true;
            m_log[i].done = true;
            emit invocationUpdated(i);
        }
    }
    if (m_state != State::Registered || !m_registration) {
        if (m_state != State::Registering)
            setState(State::Disabled);
        return;
    }
    const quint64 reg = m_registration;
    m_registration = 0;
    setState(State::Unregistering);
    QPointer<MockResponder> self(this);
    m_session->unregister(
        reg, [self](quint64) { if (self && !self->m_wantEnabled) self->setState(State::Disabled); },
        [self](const session::WampError &e) { if (self) self->setState(State::Disabled, e.toString()); });
}

void MockResponder::sessionLeft()
{
    for (PendingReply &p : m_pending)
        delete p.timer;
    m_pending.clear();
    m_registration = 0;
    m_wantEnabled = false;
    setState(State::Disabled, QStringLiteral("session left"));
}

void MockResponder::clearLog()
{
    m_logBase += m_log.size();
    m_log.clear();
}

int MockResponder::logIndex(quint64 requestId) const
{
    for (int i = int(m_log.size()) - 1; i >= 0; --i)
        if (m_log.at(i).requestId == requestId)
            return i;
    return -1;
}

void MockResponder::onInvocation(const session::InvocationData &inv)
{
    InvocationRecord rec;
    rec.timeMs = QDateTime::currentMSecsSinceEpoch();
    rec.requestId = inv.requestId;
    rec.procedure = inv.procedure;
    rec.caller = inv.details.value(QStringLiteral("caller")).toUInt64().value_or(0);
    rec.args = inv.args;
    rec.kwargs = inv.kwargs;
    rec.reply = QStringLiteral("(pending)");
    if (m_log.size() >= kMaxLog) {
        m_log.removeFirst();
        ++m_logBase;
    }
    m_log.append(rec);
    emit invocationLogged(int(m_log.size()) - 1);

    PendingReply p;
    p.inv = inv;
    if (m_spec.mode == MockSpec::Mode::Progressive) {
        const inspect::JsonParse items = inspect::parseJsonText(m_spec.progressiveJson);
        if (items.ok && items.value.isList())
            p.progressive = items.value.toList();
    }
    const bool progressive = !p.progressive.isEmpty();
    if (m_spec.delayMs > 0 || progressive) {
        p.timer = new QTimer(this);
        p.timer->setSingleShot(true);
        const quint64 req = inv.requestId;
        connect(p.timer, &QTimer::timeout, this, [this, req] { reply(req); });
        p.timer->start(m_spec.delayMs);
        m_pending.insert(inv.requestId, p);
        return;
    }
    m_pending.insert(inv.requestId, p);
    reply(inv.requestId);
}

void MockResponder::onInterrupt(quint64 requestId, const QString &mode)
{
    auto it = m_pending.find(requestId);
    if (it == m_pending.end())
        return;
    delete it->timer;
    m_pending.erase(it);
    if (m_session && m_session->isJoined())
        m_session->yieldError(requestId, wamp::uris::canceled);
    if (const int i = logIndex(requestId); i >= 0) {
        m_log[i].reply = QStringLiteral("INTERRUPT (%1) -> ERROR wamp.error.canceled").arg(mode);
        m_log[i].error = true;
        m_log[i].done = true;
        emit invocationUpdated(i);
    }
}

void MockResponder::reply(quint64 requestId)
{
    auto it = m_pending.find(requestId);
    if (it == m_pending.end() || !m_session)
        return;
    const int li = logIndex(requestId);
    const session::InvocationData inv = it->inv;
    const auto finish = [&](const QString &text, bool error) {
        if (PendingReply p = m_pending.take(requestId); p.timer)
            p.timer->deleteLater();
        if (li >= 0) {
            m_log[li].reply = m_log[li].progressSent ? QStringLiteral("%1 progressive, then %2").arg(m_log[li].progressSent).arg(text) : text;
            m_log[li].error = error;
            m_log[li].done = true;
            emit invocationUpdated(li);
        }
    };
    const auto sendError = [&](const QString &uri, const wamp::List &a, const wamp::Dict &k, const QString &why = QString()) {
        m_session->yieldError(requestId, uri, a, k);
        finish(QStringLiteral("ERROR %1 %2%3").arg(uri, describe(a, k), why.isEmpty() ? QString() : QStringLiteral(" (") + why + QLatin1Char(')')), true);
    };

    // Progressive items first, one per timer tick.
    if (!it->progressive.isEmpty()) {
        const Value item = it->progressive.takeFirst();
        wamp::List a;
        wamp::Dict k;
        if (item.isDict() && (item.contains(QStringLiteral("args")) || item.contains(QStringLiteral("kwargs")))) {
            a = item.value(QStringLiteral("args")).toList();
            k = item.value(QStringLiteral("kwargs")).toDict();
        } else if (item.isList()) {
            a = item.toList();
        } else {
            a = {item};
        }
        wamp::Dict opts;
        opts.insert(QStringLiteral("progress"), true);
        m_session->yield(requestId, a, k, opts);
        if (li >= 0) {
            ++m_log[li].progressSent;
            m_log[li].reply = QStringLiteral("%1 progressive result(s) sent, last %2").arg(m_log[li].progressSent).arg(describe(a, k));
            emit invocationUpdated(li);
        }
        it->timer->start(m_spec.delayMs);
        return;
    }

    switch (m_spec.mode) {
    case MockSpec::Mode::Echo:
        m_session->yield(requestId, inv.args, inv.kwargs);
        finish(QStringLiteral("RESULT ") + describe(inv.args, inv.kwargs), false);
        return;
    case MockSpec::Mode::Error: {
        const Result<Value> a = parseField(m_spec.errorArgsJson, QStringLiteral("error args"), Value::Kind::List);
        const Result<Value> k = parseField(m_spec.errorKwargsJson, QStringLiteral("error kwargs"), Value::Kind::Dict);
        sendError(m_spec.errorUri, a.ok() ? a->toList() : wamp::List(), k.ok() ? k->toDict() : wamp::Dict());
        return;
    }
    case MockSpec::Mode::Template: {
        const Result<Value> a = m_spec.argsJson.trimmed().isEmpty() ? Result<Value>(Value(wamp::List()))
                                                                    : renderTemplate(m_spec.argsJson, inv.args, inv.kwargs, inv.details);
        const Result<Value> k = m_spec.kwargsJson.trimmed().isEmpty() ? Result<Value>(Value(wamp::Dict()))
                                                                      : renderTemplate(m_spec.kwargsJson, inv.args, inv.kwargs, inv.details);
        if (!a.ok() || !k.ok()) {
            const QString why = !a.ok() ? QStringLiteral("args template: ") + a.errorString() : QStringLiteral("kwargs template: ") + k.errorString();
            sendError(wamp::uris::invalidArgument, {why}, {}, QStringLiteral("template failed"));
            return;
        }
        const wamp::List ra = a->isList() ? a->toList() : wamp::List{*a};
        const wamp::Dict rk = k->toDict();
        m_session->yield(requestId, ra, rk);
        finish(QStringLiteral("RESULT ") + describe(ra, rk), false);
        return;
    }
    case MockSpec::Mode::Static:
    case MockSpec::Mode::Progressive: {
        const Result<Value> a = parseField(m_spec.argsJson, QStringLiteral("args"), Value::Kind::List);
        const Result<Value> k = parseField(m_spec.kwargsJson, QStringLiteral("kwargs"), Value::Kind::Dict);
        const wamp::List ra = a.ok() ? a->toList() : wamp::List();
        const wamp::Dict rk = k.ok() ? k->toDict() : wamp::Dict();
        m_session->yield(requestId, ra, rk);
        finish(QStringLiteral("RESULT ") + describe(ra, rk), false);
        return;
    }
    }
}

} // namespace wb::mock
