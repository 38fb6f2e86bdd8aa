// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Records a client Session into a Recorder: every message it sends and receives, with the session ID and the
// transport's read/write times, and one ConnectionInfo per transport connection (a Session that reconnects gets
// a new connection with the same source, so the traffic log can still show it as one).

#include "capture/recorder.h"

#include <QObject>
#include <QPointer>

namespace wb::session {
class Session;
}
namespace wb::transport {
class Transport;
}

namespace wb::capture {

class SessionTap : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionTap)
public:
    /// Records \a session into \a recorder under \a name until the tap or the session is destroyed.
    SessionTap(Recorder *recorder, session::Session *session, const QString &name, QObject *parent = nullptr);
    ~SessionTap() override;

    /// Renames the current connection (and the following ones).
    void setName(const QString &name);
    QString name() const { return m_name; }
    quint32 source() const { return m_source; }
    /// The connection being recorded; false before the first message and after the session left.
    bool hasConnection() const { return m_open; }
    ConnectionId connection() const { return m_info.id; }

private:
    /// Starts a new connection when the session's transport is not the one being recorded.
    void ensureConnection();
    void onMessage(Direction dir, const wamp::Message &m, const QByteArray &bytes);
    void onViolation(const QString &reason, const QByteArray &bytes);
    void onLeft(const QString &reason, const QString &message);
    void onTransportClosed(transport::Transport *t, const QString &reason);
    RecordedMessage header(Direction dir) const;

    QPointer<Recorder> m_recorder;
    QPointer<session::Session> m_session;
    QPointer<transport::Transport> m_transport;
    QString m_name;
    quint32 m_source = 0;
    bool m_open = false;
    ConnectionInfo m_info;
};

} // namespace wb::capture
