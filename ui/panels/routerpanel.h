// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The built-in router: start/stop, listeners, realms and auth summary, its live sessions and its log.

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QComboBox;
class QTreeWidget;

namespace wb::client {
class Connection;
}
namespace wb::router {
class Router;
struct SessionInfo;
} // namespace wb::router

namespace wb::ui {

class MetaMonitor;

class RouterPanel : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RouterPanel)
public:
    explicit RouterPanel(router::Router *router, QWidget *parent = nullptr);

    router::Router *router() const { return m_router; }
    /// Connections the live lists can go through (the meta API is called over one of them).
    void addConnection(client::Connection *c);
    void removeConnection(client::Connection *c);
    /// Use \a c for the live lists (default: the first connection added, normally "Local router").
    void setMonitorConnection(client::Connection *c);
    MetaMonitor *monitor() const { return m_monitor; }
    int logLineCount() const;
    int sessionRowCount() const;

public slots:
    void appendLog(const QString &line);
    void startRouter();
    void stopRouter();

signals:
    /// Started or stopped (listening URLs may have changed).
    void routerStateChanged();

private:
    void refreshStatus();
    void addSession(const router::SessionInfo &info);
    void removeSession(const router::SessionInfo &info, const QString &reason);

    router::Router *m_router;
    QLabel *m_status;
    QLabel *m_config;
    QPushButton *m_startStop;
    QComboBox *m_via;
    MetaMonitor *m_monitor;
    QPlainTextEdit *m_log;
};

} // namespace wb::ui
