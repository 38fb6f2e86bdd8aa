// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

class QLabel;
class QPlainTextEdit;
class QTreeWidget;

namespace wb::router {
class Router;
struct SessionInfo;
} // namespace wb::router

namespace wb::ui {

/// The workbench window. For now: the built-in router's listeners, its live sessions and a capped event log.
/// The connection workspaces (subscribe, call, publish, register, traffic log) build on this.
class MainWindow : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    explicit MainWindow(router::Router *router, QWidget *parent = nullptr);

    /// Entries shown in the log (for tests).
    int logLineCount() const;
    int sessionRowCount() const;

public slots:
    void appendLog(const QString &line);

private:
    void refreshStatus();
    void addSession(const router::SessionInfo &info);
    void removeSession(const router::SessionInfo &info, const QString &reason);

    router::Router *m_router;
    QLabel *m_status;
    QTreeWidget *m_sessions;
    QPlainTextEdit *m_log;
};

} // namespace wb::ui
