// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A mock procedure: registers a URI on a Session and answers every INVOCATION according to a MockSpec
// (static result, echo, error, template over the call's arguments, a sequence of progressive results),
// optionally after a delay. Every invocation is logged with the caller's arguments and the reply sent.
// Used by the register panel; Widgets-free so it is tested headless.

#include "session/session.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

class QTimer;

namespace wb::mock {

struct MockSpec
{
    enum class Mode { Static, Echo, Error, Template, Progressive };

    QString procedure;
    QString match = QStringLiteral("exact");   ///< exact | prefix | wildcard
    QString invoke = QStringLiteral("single"); ///< single | roundrobin | random | first | last
    Mode mode = Mode::Static;
    QString argsJson = QStringLiteral("[]");   ///< result args (Static, Progressive final; a template in Template mode)
    QString kwargsJson = QStringLiteral("{}"); ///< result kwargs (same)
    QString errorUri = QStringLiteral("com.example.error");
    QString errorArgsJson = QStringLiteral("[]");
    QString errorKwargsJson = QStringLiteral("{}");
    /// Progressive: JSON list; each item is an args list or {"args": [...], "kwargs": {...}}, sent with
    /// progress=true (one every delayMs), then the final result argsJson/kwargsJson.
    QString progressiveJson = QStringLiteral("[]");
    int delayMs = 0; ///< before the reply (and between progressive results)

    static QString modeName(Mode m);
    static std::optional<Mode> parseMode(const QString &name);
    /// Check every JSON field the mode uses (templates are checked per call). Error names the field.
    Status validate() const;
};

struct InvocationRecord
{
    qint64 timeMs = 0;
    quint64 requestId = 0;
    QString procedure;  ///< the actual procedure (details.procedure for pattern registrations)
    quint64 caller = 0; ///< when disclosed
    wamp::List args;
    wamp::Dict kwargs;
    QString reply;      ///< what was sent, e.g. "RESULT [42] {}" or "ERROR com.example.error [..]"
    bool error = false;
    int progressSent = 0;
    bool done = false;
};

class MockResponder : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MockResponder)
public:
    enum class State { Disabled, Registering, Registered, Unregistering, Failed };
    Q_ENUM(State)

    static constexpr int kMaxLog = 1000;

    MockResponder(session::Session *session, MockSpec spec, QObject *parent = nullptr);
    ~MockResponder() override;

    const MockSpec &spec() const { return m_spec; }
    /// Takes effect for the next invocation; a changed procedure/match/invoke re-registers when enabled.
    Status setSpec(const MockSpec &spec);

    /// Register (validates the spec first; a failure sets Failed with the reason).
    void enable();
    /// Unregister; pending delayed replies are answered with wamp.error.canceled.
    void disable();
    bool isEnabled() const { return m_wantEnabled; }
    State state() const { return m_state; }
    QString lastError() const { return m_lastError; }
    quint64 registrationId() const { return m_registration; }

    const QList<InvocationRecord> &log() const { return m_log; }
    void clearLog();

signals:
    void stateChanged(wb::mock::MockResponder::State state);
    /// A record was appended (\a index) or updated (reply sent).
    void invocationLogged(int index);
    void invocationUpdated(int index);

private:
    void setState(State s, const QString &error = QString());
    void onInvocation(const session::InvocationData &inv);
    void onInterrupt(quint64 requestId, const QString &mode);
    void reply(quint64 requestId);
    int logIndex(quint64 requestId) const;
    void sessionLeft();

    struct PendingReply
    {
        session::InvocationData inv;
        wamp::List progressive; ///< remaining progressive items
        QTimer *timer = nullptr;
    };

    QPointer<session::Session> m_session;
    MockSpec m_spec;
    State m_state = State::Disabled;
    bool m_wantEnabled = false;
    quint64 m_registration = 0;
    QString m_lastError;
    QList<InvocationRecord> m_log;
    qsizetype m_logBase = 0; ///< records dropped from the front of m_log
    QHash<quint64, PendingReply> m_pending;
};

} // namespace wb::mock
