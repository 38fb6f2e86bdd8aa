// SPDX-License-Identifier: GPL-3.0-or-later
#include "connection.h"

#include "capture/sessiontap.h"
#include "wamp/errors.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcConnection, "wb.client.connection")

namespace wb::client {

Connection::Connection(settings::ConnectionProfile profile, QObject *parent)
    : QObject(parent), m_profile(std::move(profile)), m_session(new session::Session(this))
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this]() {
        m_countdownTimer.stop();
        open();
    });
    m_countdownTimer.setInterval(1000);
    connect(&m_countdownTimer, &QTimer::timeout, this, [this]() { emit reconnectCountdown(reconnectRemainingMs()); });
    m_rttTimer.setInterval(5000);
    connect(&m_rttTimer, &QTimer::timeout, this, &Connection::probeRtt);
    connect(m_session, &session::Session::stateChanged, this, &Connection::onSessionState);
    connect(m_session, &session::Session::left, this, &Connection::onLeft);
}

Connection::~Connection()
{
    m_retryTimer.stop();
    m_session->disconnect(this);
    if (m_session->state() != session::Session::State::Closed && m_session->state() != session::Session::State::Disconnected)
        m_session->disconnectNow(QStringLiteral("closing"));
}

void Connection::setRecorder(capture::Recorder *recorder)
{
    delete m_tap;
    m_tap = nullptr;
    if (!recorder)
        return;
    m_tap = new capture::SessionTap(recorder, m_session, name(), this);
    connect(this, &Connection::profileChanged, m_tap, [this]() { m_tap->setName(name()); });
}

void Connection::setProfile(const settings::ConnectionProfile &profile)
{
    if (profile == m_profile)
        return;
    m_profile = profile;
    emit profileChanged();
}

QString Connection::stateName(State s)
{
    switch (s) {
    case State::Disconnected: return tr("disconnected");
    case State::Connecting: return tr("connecting…");
    case State::Connected: return tr("connected");
    case State::WaitingToReconnect: return tr("reconnecting");
    case State::Failed: return tr("failed");
    }
    return {};
}

QString Connection::stateText() const
{
    switch (m_state) {
    case State::WaitingToReconnect:
        return m_lastError.isEmpty()
            ? tr("reconnecting in %1 s (attempt %2)").arg((reconnectRemainingMs() + 999) / 1000).arg(m_attempt)
            : tr("reconnecting in %1 s (attempt %2) after: %3").arg((reconnectRemainingMs() + 999) / 1000).arg(m_attempt).arg(m_lastError);
    case State::Failed:
        return tr("failed: %1").arg(m_lastError);
    case State::Disconnected:
        return m_lastError.isEmpty() ? stateName(m_state) : tr("disconnected: %1").arg(m_lastError);
    default:
        return stateName(m_state);
    }
}

int Connection::reconnectRemainingMs() const
{
    return m_state == State::WaitingToReconnect ? int(qMax<qint64>(0, m_retryDeadline.remainingTime())) : 0;
}

void Connection::setRttProbeInterval(int ms)
{
    if (ms <= 0) {
        m_rttTimer.stop();
        m_rttTimer.setInterval(0);
        return;
    }
    m_rttTimer.setInterval(ms);
    if (m_state == State::Connected)
        m_rttTimer.start();
}

void Connection::setState(State s)
{
    if (s == m_state)
        return;
    m_state = s;
    emit stateChanged(s);
}

void Connection::open()
{
    m_retryTimer.stop();
    m_countdownTimer.stop();
    m_userClosed = false;
    const QStringList problems = m_profile.validate();
    if (!problems.isEmpty()) {
        m_lastError = problems.join(QLatin1Char(' '));
        setState(State::Failed);
        return;
    }
    const auto ss = m_session->state();
    if (ss != session::Session::State::Closed && ss != session::Session::State::Disconnected)
        return; // already connecting or connected
    if (const QString why = m_profile.secretProblem(m_secret); !why.isEmpty()) {
        m_lastError = why;
        setState(State::Failed);
        return;
    }
    m_wasJoined = false;
    setState(State::Connecting);
    m_session->open(m_profile.connectOptions(), m_profile.sessionOptions(m_secret));
}

void Connection::close()
{
    m_userClosed = true;
    m_retryTimer.stop();
    m_countdownTimer.stop();
    m_rttTimer.stop();
    m_attempt = 0;
    m_lastError.clear();
    const auto ss = m_session->state();
    if (ss == session::Session::State::Established)
        m_session->leave();
    else if (ss != session::Session::State::Closed && ss != session::Session::State::Disconnected)
        m_session->disconnectNow(tr("disconnected by the user"));
    setState(State::Disconnected);
}

void Connection::cancelReconnect()
{
    if (m_state != State::WaitingToReconnect)
        return;
    m_retryTimer.stop();
    m_countdownTimer.stop();
    m_attempt = 0;
    m_lastError = tr("reconnect canceled");
    setState(State::Disconnected);
}

void Connection::onSessionState(session::Session::State s)
{
    if (s == session::Session::State::Established) {
        m_wasJoined = true;
        m_attempt = 0;
        m_lastError.clear();
        m_rttInFlight = false;
        setState(State::Connected);
        if (m_rttTimer.interval() > 0) {
            m_rttTimer.start();
            QTimer::singleShot(0, this, &Connection::probeRtt);
        }
    }
}

void Connection::onLeft(const QString &reason, const QString &message)
{
    m_rttTimer.stop();
    m_rttInFlight = false;
    if (m_userClosed) {
        setState(State::Disconnected);
        return;
    }
    m_lastError = message.isEmpty() ? reason : QStringLiteral("%1 (%2)").arg(message, reason);
    // Refusals that a retry cannot fix: a malformed URL, a rejected TLS certificate / failed handshake (the
    // trust settings of the profile must change), or the router ABORTing the join (auth, realm).
    const bool permanent = reason == QStringLiteral("transport.invalid_url") || reason == QStringLiteral("transport.tls")
                           || (!m_wasJoined && reason.startsWith(QStringLiteral("wamp.error.")));
    if (permanent) {
        m_attempt = 0;
        setState(State::Failed);
        return;
    }
    if (!m_profile.autoReconnect) {
        setState(State::Disconnected);
        return;
    }
    const int delay = m_policy.delayForAttempt(m_attempt + 1);
    if (delay < 0) {
        m_lastError = tr("gave up after %n attempt(s): %1", nullptr, m_attempt).arg(m_lastError);
        m_attempt = 0;
        setState(State::Failed);
        return;
    }
    ++m_attempt;
    m_retryDeadline = QDeadlineTimer(delay);
    m_retryTimer.start(delay);
    m_countdownTimer.start();
    qCInfo(lcConnection) << m_profile.name << "lost:" << m_lastError << "- reconnecting in" << delay << "ms";
    setState(State::WaitingToReconnect);
    emit reconnectCountdown(delay);
}

void Connection::probeRtt()
{
    if (m_state != State::Connected || m_rttInFlight)
        return;
    m_rttInFlight = true;
    m_rttClock.start();
    QPointer<Connection> self(this);
    auto done = [self]() {
        if (!self || !self->m_rttInFlight)
            return;
        self->m_rttInFlight = false;
        self->m_rttUs = self->m_rttClock.nsecsElapsed() / 1000;
        emit self->rttMeasured(self->m_rttUs);
    };
    m_session->call(
        rttProbeProcedure(), {}, {}, {}, [done](const session::CallResult &) { done(); },
        [done, self](const session::WampError &e) {
            if (e.uri == session::kSessionLost || e.uri == session::kRequestTimeout) {
                if (self)
                    self->m_rttInFlight = false;
                return;
            }
            done(); // an ERROR from the router is a round trip too (e.g. no meta API)
        });
}

} // namespace wb::client
