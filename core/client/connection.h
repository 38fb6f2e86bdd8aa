// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One workbench connection: a profile + ONE wb::session::Session that lives as long as the Connection and is
// reused across disconnects and reconnects (panels keep their Session pointer). Adds a connection state machine
// with visible auto-reconnect (exponential backoff, cancelable) and a round-trip-time probe.

#include "settings/connectionprofile.h"
#include "reconnectpolicy.h"
#include "session/session.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace wb::capture {
class Recorder;
class SessionTap;
}

namespace wb::client {

class Connection : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Connection)
public:
    enum class State {
        Disconnected, ///< not connected and not trying (initial state, after close(), or no auto-reconnect)
        Connecting,   ///< transport + HELLO/WELCOME in progress
        Connected,    ///< the session is joined
        WaitingToReconnect, ///< lost; the next attempt starts in reconnectRemainingMs()
        Failed        ///< refused for good (bad URL, auth or realm rejected): no automatic retry
    };
    Q_ENUM(State)

    explicit Connection(settings::ConnectionProfile profile, QObject *parent = nullptr);
    ~Connection() override;

    const settings::ConnectionProfile &profile() const { return m_profile; }
    /// Takes effect on the next connect.
    void setProfile(const settings::ConnectionProfile &profile);
    QString id() const { return m_profile.id; }
    QString name() const { return m_profile.name; }

    /// The session. The same object for the whole lifetime of this Connection.
    session::Session *session() const { return m_session; }
    /// Record the session's traffic into \a recorder (nullptr: stop), under the connection's name.
    void setRecorder(capture::Recorder *recorder);
    capture::SessionTap *captureTap() const { return m_tap; }

    State state() const { return m_state; }
    static QString stateName(State s);
    /// "connected", "connecting…", "reconnecting in 4 s (attempt 3)", "failed: …"
    QString stateText() const;
    /// Reason of the last loss or failure (empty while everything is fine).
    QString lastError() const { return m_lastError; }

    /// The secret for ticket/wampcra/... (held in memory only; never persisted by this class).
    void setSecret(const QString &secret) { m_secret = secret; }
    bool hasSecret() const { return !m_secret.isEmpty(); }

    void setReconnectPolicy(const ReconnectPolicy &p) { m_policy = p; }
    const ReconnectPolicy &reconnectPolicy() const { return m_policy; }
    int reconnectAttempt() const { return m_attempt; }
    int reconnectRemainingMs() const;

    /// RTT probe: while connected, every \a ms a CALL to wamp.session.count goes out; the time until the
    /// router answers (RESULT or ERROR, either is a full round trip) is the RTT. 0 disables the probe.
    void setRttProbeInterval(int ms);
    /// Last measured round-trip time in microseconds, -1 if none yet.
    qint64 lastRttUs() const { return m_rttUs; }
    static QString rttProbeProcedure() { return QStringLiteral("wamp.session.count"); }

public slots:
    /// Connect (again). Cancels a pending reconnect.
    void open();
    /// Leave with GOODBYE and stop reconnecting.
    void close();
    /// Stop a scheduled reconnect; the connection stays Disconnected.
    void cancelReconnect();

signals:
    void stateChanged(wb::client::Connection::State state);
    void profileChanged();
    /// Once per second while WaitingToReconnect.
    void reconnectCountdown(int remainingMs);
    void rttMeasured(qint64 rttUs);

private:
    void setState(State s);
    void onSessionState(session::Session::State s);
    void onLeft(const QString &reason, const QString &message);
    void probeRtt();

    settings::ConnectionProfile m_profile;
    session::Session *m_session;
    capture::SessionTap *m_tap = nullptr;
    State m_state = State::Disconnected;
    QString m_lastError;
    QString m_secret;
    ReconnectPolicy m_policy;
    int m_attempt = 0;
    bool m_userClosed = false;
    bool m_wasJoined = false;
    QTimer m_retryTimer;
    QTimer m_countdownTimer;
    QDeadlineTimer m_retryDeadline;
    QTimer m_rttTimer;
    QElapsedTimer m_rttClock;
    bool m_rttInFlight = false;
    qint64 m_rttUs = -1;
};

} // namespace wb::client
