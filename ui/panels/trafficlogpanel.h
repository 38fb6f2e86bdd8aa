// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The traffic log (dockable): every WAMP message of every connection, filters, and a detail pane with the
// decoded message (pretty JSON), the raw bytes (hex), the protocol violation if any, and the messages linked
// to the selected CALL with their round-trip times. A view over a capture::Recorder: it records nothing itself.

#include "capture/recorder.h"
#include "models/trafficfiltermodel.h"

#include <QHash>
#include <QWidget>

#include <utility>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QTimer;
class QTableView;
class QTreeWidget;

namespace wb::ui {

class TrafficModel;

class TrafficLogPanel : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficLogPanel)
public:
    /// A view over \a recorder (not owned; it must outlive the panel's use of it). Sources register with the
    /// recorder (e.g. client::Connection::setRecorder()), not with the panel.
    explicit TrafficLogPanel(capture::Recorder *recorder, QWidget *parent = nullptr);
    /// A standalone panel over a recorder of its own (tests, benchmarks).
    explicit TrafficLogPanel(QWidget *parent = nullptr);
    ~TrafficLogPanel() override;

    capture::Recorder *recorder() const { return m_recorder; }
    capture::CaptureStore *store() const { return m_store; }
    TrafficModel *model() const { return m_model; }
    /// The filter proxy; the view uses it only while a filter is set (setFilter...() below switch it in).
    TrafficFilterModel *filterModel() const { return m_filter; }
    void setTypeFilter(int typeCode);
    void setTextFilter(const QString &text);
    void setConnectionFilter(int connection);
    void setFlaggedOnly(bool on);
    QTableView *view() const { return m_view; }

    /// Select the message \a seq (shows it in the detail pane). False if it is not shown (filtered/paused).
    bool selectSeq(quint64 seq);
    /// The detail pane's texts (for tests).
    QString detailJson() const;
    QString detailHex() const;
    QString linkedSummary() const;
    /// Seqs listed in the "linked messages" pane.
    QList<quint64> linkedSeqs() const { return m_linked; }

    void setCapacity(qsizetype messages);
    void setPaused(bool paused);
    bool isPaused() const;
    /// Apply pending rows now (tests; normally every 100 ms).
    void flush();

public slots:
    void clear();

private:
    void showDetail(quint64 seq);
    void updateStatus();
    void rebuildConnectionFilter();
    void connectSelection();
    void updateViewModel();
    void onConnectionChanged(const capture::ConnectionInfo &info);

    capture::Recorder *m_recorder;
    capture::CaptureStore *m_store;
    TrafficModel *m_model;
    TrafficFilterModel *m_filter;
    QTimer *m_syncTimer;
    /// Connection filter entries: source -> (latest connection of it, its name), in order of appearance.
    QList<quint32> m_sources;
    QHash<quint32, std::pair<capture::ConnectionId, QString>> m_sourceEntries;

    QComboBox *m_connectionFilter;
    QComboBox *m_typeFilter;
    QLineEdit *m_textFilter;
    QCheckBox *m_flaggedOnly;
    QSpinBox *m_cap;
    QLabel *m_status;
    QTableView *m_view;
    QLabel *m_detailHeader;
    QTreeWidget *m_linkedView;
    QPlainTextEdit *m_json;
    QPlainTextEdit *m_hex;
    QAction *m_pauseAct;
    QAction *m_clearAct;
    QAction *m_followAct;
    QList<quint64> m_linked;
    quint64 m_selected = 0;
};

} // namespace wb::ui
