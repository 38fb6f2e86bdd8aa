// SPDX-License-Identifier: GPL-3.0-or-later
#include "trafficlogpanel.h"

#include "inspect/hexdump.h"
#include "inspect/jsontext.h"
#include "models/trafficfiltermodel.h"
#include "models/trafficmodel.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace wb::ui {

using capture::CaptureRecord;
using capture::Direction;
using wamp::MessageType;

namespace {
constexpr int kSyncIntervalMs = 100;
}

TrafficLogPanel::TrafficLogPanel(QWidget *parent) : TrafficLogPanel(new capture::Recorder(nullptr), parent)
{
    m_recorder->setParent(this);
}

TrafficLogPanel::TrafficLogPanel(capture::Recorder *recorder, QWidget *parent)
    : QWidget(parent), m_recorder(recorder), m_store(recorder->store()), m_model(new TrafficModel(m_store, this)),
      m_filter(new TrafficFilterModel(m_model, this)), m_syncTimer(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    auto *bar = new QHBoxLayout;
    m_connectionFilter = new QComboBox(this);
    m_connectionFilter->setObjectName(QStringLiteral("trafficConnectionFilter"));
    m_connectionFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_typeFilter = new QComboBox(this);
    m_typeFilter->setObjectName(QStringLiteral("trafficTypeFilter"));
    m_typeFilter->addItem(tr("All types"), 0);
    for (int code = 1; code <= 70; ++code) {
        if (wamp::MessageTraits::lookup(code))
            m_typeFilter->addItem(wamp::Message::typeName(qint64(code)), code);
    }
    m_textFilter = new QLineEdit(this);
    m_textFilter->setObjectName(QStringLiteral("trafficTextFilter"));
    m_textFilter->setPlaceholderText(tr("Filter: URI, request ID, type, violation…"));
    m_textFilter->setClearButtonEnabled(true);
    m_flaggedOnly = new QCheckBox(tr("Violations only"), this);
    m_cap = new QSpinBox(this);
    m_cap->setRange(1000, 50'000'000);
    m_cap->setSingleStep(100'000);
    m_cap->setGroupSeparatorShown(true);
    m_cap->setValue(int(m_store->capacity()));
    m_cap->setSuffix(tr(" msgs"));
    m_cap->setPrefix(tr("Keep last "));
    m_cap->setToolTip(tr("The capture keeps at most this many messages; the oldest are dropped first."));
    bar->addWidget(m_connectionFilter);
    bar->addWidget(m_typeFilter);
    bar->addWidget(m_textFilter, 1);
    bar->addWidget(m_flaggedOnly);

    m_pauseAct = new QAction(tr("&Pause traffic log"), this);
    m_pauseAct->setCheckable(true);
    m_pauseAct->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_pauseAct->setShortcutContext(Qt::WindowShortcut);
    m_clearAct = new QAction(tr("C&lear traffic log"), this);
    m_clearAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_clearAct->setShortcutContext(Qt::WindowShortcut);
    m_followAct = new QAction(tr("&Follow new messages"), this);
    m_followAct->setCheckable(true);
    m_followAct->setChecked(true);
    addAction(m_pauseAct);
    addAction(m_clearAct);
    addAction(m_followAct);
    for (QAction *a : {m_pauseAct, m_clearAct, m_followAct}) {
        auto *b = new QToolButton(this);
        b->setDefaultAction(a);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        bar->addWidget(b);
    }
    bar->addWidget(m_cap);
    layout->addLayout(bar);

    auto *split = new QSplitter(Qt::Horizontal, this);
    // QTableView, not QTreeView: a tree view lays out every row again on scrollToBottom (O(rows)), the table
    // view's fixed-height rows make following the tail of a million rows cheap.
    m_view = new QTableView(split);
    m_view->setObjectName(QStringLiteral("trafficView"));
    m_view->setModel(m_model);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 4);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->horizontalHeader()->setStretchLastSection(true);
    const QFontMetrics fm(m_view->font());
    const int widths[] = {fm.horizontalAdvance(QStringLiteral("00:00:00.000__")), 110, fm.horizontalAdvance(QStringLiteral("← in___")),
                          fm.horizontalAdvance(QStringLiteral("UNREGISTERED__")), 150, 210, 50};
    for (int i = 0; i < int(std::size(widths)); ++i)
        m_view->setColumnWidth(i, widths[i]);

    auto *detail = new QWidget(split);
    auto *dl = new QVBoxLayout(detail);
    dl->setContentsMargins(0, 0, 0, 0);
    m_detailHeader = new QLabel(tr("Select a message to see it decoded. Select a CALL to see its linked messages."), detail);
    m_detailHeader->setWordWrap(true);
    m_detailHeader->setTextInteractionFlags(Qt::TextSelectableByMouse);
    dl->addWidget(m_detailHeader);
    m_linkedView = new QTreeWidget(detail);
    m_linkedView->setObjectName(QStringLiteral("trafficLinked"));
    m_linkedView->setRootIsDecorated(false);
    m_linkedView->setHeaderLabels({tr("#"), tr("Connection"), tr("Type"), tr("+ms"), tr("Link")});
    m_linkedView->setMaximumHeight(140);
    m_linkedView->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    dl->addWidget(m_linkedView);
    auto *tabs = new QTabWidget(detail);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_json = new QPlainTextEdit(tabs);
    m_json->setReadOnly(true);
    m_json->setFont(mono);
    m_hex = new QPlainTextEdit(tabs);
    m_hex->setReadOnly(true);
    m_hex->setFont(mono);
    m_hex->setLineWrapMode(QPlainTextEdit::NoWrap);
    tabs->addTab(m_json, tr("Decoded"));
    tabs->addTab(m_hex, tr("Raw (hex)"));
    dl->addWidget(tabs, 1);
    split->addWidget(m_view);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    m_status = new QLabel(this);
    layout->addWidget(m_status);

    connect(m_textFilter, &QLineEdit::textChanged, this, [this](const QString &t) {
        m_filter->setTextFilter(t);
        updateViewModel();
    });
    connect(m_flaggedOnly, &QCheckBox::toggled, this, [this](bool on) {
        m_filter->setFlaggedOnly(on);
        updateViewModel();
    });
    connect(m_typeFilter, &QComboBox::currentIndexChanged, this, [this]() {
        m_filter->setTypeFilter(m_typeFilter->currentData().toInt());
        updateViewModel();
    });
    connect(m_connectionFilter, &QComboBox::currentIndexChanged, this, [this]() {
        m_filter->setConnectionFilter(m_connectionFilter->currentData().isValid() ? m_connectionFilter->currentData().toInt() : -1);
        updateViewModel();
    });
    connect(m_cap, &QSpinBox::editingFinished, this, [this]() { setCapacity(m_cap->value()); });
    connect(m_pauseAct, &QAction::toggled, this, &TrafficLogPanel::setPaused);
    connect(m_clearAct, &QAction::triggered, this, &TrafficLogPanel::clear);
    connectSelection();
    connect(m_linkedView, &QTreeWidget::itemActivated, this,
            [this](QTreeWidgetItem *item) { selectSeq(item->data(0, Qt::UserRole).toULongLong()); });

    connect(m_recorder, &capture::Recorder::connectionChanged, this, &TrafficLogPanel::onConnectionChanged);
    for (const capture::ConnectionInfo &info : m_recorder->connections())
        onConnectionChanged(info);

    m_syncTimer->setInterval(kSyncIntervalMs);
    connect(m_syncTimer, &QTimer::timeout, this, &TrafficLogPanel::flush);
    m_syncTimer->start();
    rebuildConnectionFilter();
    updateStatus();
}

TrafficLogPanel::~TrafficLogPanel() = default;

void TrafficLogPanel::connectSelection()
{
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &cur) {
        showDetail(cur.isValid() ? cur.data(TrafficModel::SeqRole).toULongLong() : 0);
    });
}

void TrafficLogPanel::updateViewModel()
{
    // Without a filter the view shows the source model directly: the proxy's row mapping costs O(rows) each time
    // the cap drops old rows, which matters at a million rows and 100k messages/s.
    QAbstractItemModel *wanted = m_filter->isFiltering() ? static_cast<QAbstractItemModel *>(m_filter) : m_model;
    if (m_view->model() == wanted)
        return;
    const quint64 selected = m_selected;
    m_filter->setDynamicSortFilter(m_filter->isFiltering());
    if (m_filter->isFiltering())
        m_filter->setSourceModel(m_model);
    else
        m_filter->setSourceModel(nullptr);
    QItemSelectionModel *old = m_view->selectionModel();
    m_view->setModel(wanted);
    delete old;
    connectSelection();
    if (selected)
        selectSeq(selected);
    updateStatus();
}

void TrafficLogPanel::onConnectionChanged(const capture::ConnectionInfo &info)
{
    // One filter entry per source: a workbench connection that reconnects keeps its entry.
    auto it = m_sourceEntries.find(info.source);
    if (it == m_sourceEntries.end()) {
        m_sources << info.source;
        m_sourceEntries.insert(info.source, {info.id, info.name});
    } else if (it->first <= info.id) {
        if (it->first == info.id && it->second == info.name)
            return; // closed, nothing to show
        *it = {info.id, info.name};
    }
    rebuildConnectionFilter();
}

void TrafficLogPanel::rebuildConnectionFilter()
{
    const QVariant current = m_connectionFilter->currentData();
    const qint64 currentSource = current.isValid() ? qint64(m_store->connectionSource(current.toUInt())) : -1;
    QSignalBlocker block(m_connectionFilter);
    m_connectionFilter->clear();
    m_connectionFilter->addItem(tr("All connections"));
    int idx = currentSource < 0 ? 0 : -1;
    for (quint32 source : std::as_const(m_sources)) {
        const auto &[id, name] = m_sourceEntries.value(source);
        if (source == currentSource)
            idx = m_connectionFilter->count();
        m_connectionFilter->addItem(name, int(id));
    }
    m_connectionFilter->setCurrentIndex(qMax(0, idx));
    if (idx < 0)
        m_filter->setConnectionFilter(-1);
}

void TrafficLogPanel::flush()
{
    QScrollBar *sb = m_view->verticalScrollBar();
    const bool atBottom = sb->value() >= sb->maximum() - 2;
    m_model->sync();
    if (m_followAct->isChecked() && atBottom && !m_model->isPaused())
        m_view->scrollToBottom();
    updateStatus();
}

void TrafficLogPanel::updateStatus()
{
    const QLocale loc;
    QString text = tr("%1 messages kept (%2 recorded in total), about %3, cap %4")
                       .arg(loc.toString(qlonglong(m_store->size())), loc.toString(qulonglong(m_store->totalRecorded())),
                            loc.formattedDataSize(m_store->approximateBytes()), loc.toString(qlonglong(m_store->capacity())));
    if (const quint64 dropped = m_recorder->droppedCount())
        text += QStringLiteral(" — ") + tr("%1 not recorded (the recorder could not keep up)").arg(loc.toString(qulonglong(dropped)));
    if (m_model->isPaused())
        text += QStringLiteral(" — ") + tr("PAUSED, %1 new not shown").arg(loc.toString(qulonglong(m_model->pendingCount())));
    if (m_filter->isFiltering() && m_filter->sourceModel())
        text += QStringLiteral(" — ") + tr("%1 match the filter").arg(loc.toString(m_filter->rowCount()));
    m_status->setText(text);
}

void TrafficLogPanel::setCapacity(qsizetype messages)
{
    m_store->setCapacity(messages);
    if (m_cap->value() != messages)
        m_cap->setValue(int(messages));
    flush();
}

void TrafficLogPanel::setPaused(bool paused)
{
    m_model->setPaused(paused);
    if (m_pauseAct->isChecked() != paused)
        m_pauseAct->setChecked(paused);
    flush();
}

bool TrafficLogPanel::isPaused() const
{
    return m_model->isPaused();
}

void TrafficLogPanel::clear()
{
    m_store->clear();
    flush();
    showDetail(0);
}

bool TrafficLogPanel::selectSeq(quint64 seq)
{
    const int row = m_model->rowOf(seq);
    if (row < 0)
        return false;
    const QModelIndex src = m_model->index(row, 0);
    const QModelIndex idx = m_view->model() == m_filter ? m_filter->mapFromSource(src) : src;
    if (!idx.isValid())
        return false;
    m_view->setCurrentIndex(idx);
    m_view->scrollTo(idx);
    return true;
}

void TrafficLogPanel::showDetail(quint64 seq)
{
    m_selected = seq;
    m_linked.clear();
    m_linkedView->clear();
    if (!seq || !m_store->contains(seq)) {
        m_json->clear();
        m_hex->clear();
        m_detailHeader->setText(tr("Select a message to see it decoded. Select a CALL to see its linked messages."));
        return;
    }
    const CaptureRecord &r = m_store->at(seq);
    QString error;
    const wamp::Message m = m_store->decode(seq, &error);
    m_json->setPlainText(m.isValid() ? inspect::toJsonText(m.toValue(), inspect::JsonTextOptions{2, 60}) : tr("Cannot decode: %1").arg(error));
    m_hex->setPlainText(inspect::hexDump(m_store->bytes(seq)));

    QString header = tr("#%1 %2 %3 on %4, %5 bytes (%6)")
                         .arg(seq)
                         .arg(r.direction == Direction::Out ? tr("sent") : tr("received"),
                              r.type ? wamp::Message::typeName(qint64(r.type)) : tr("undecodable message"),
                              m_store->connectionName(r.connection))
                         .arg(r.size)
                         .arg(codec::serializerName(codec::SerializerId(r.serializer)));
    if (r.violation)
        header += QStringLiteral("<br><span style=\"color:#d9534f\"><b>%1</b> %2</span>")
                      .arg(tr("Protocol violation:"), m_store->violationReason(seq).toHtmlEscaped());
    m_linked = m_store->linkedMessages(seq);
    if (!m_linked.isEmpty()) {
        const qint64 t0 = m_store->at(m_linked.first()).timeUs;
        qint64 rttUs = -1;
        for (quint64 s : std::as_const(m_linked)) {
            const CaptureRecord &lr = m_store->at(s);
            const auto t = MessageType(lr.type);
            if (lr.connection == m_store->at(m_linked.first()).connection && (t == MessageType::Result || t == MessageType::Error))
                rttUs = lr.timeUs - t0;
            auto *item = new QTreeWidgetItem(m_linkedView,
                                             {QString::number(s), m_store->connectionName(lr.connection),
                                              wamp::Message::typeName(qint64(lr.type)),
                                              QString::number(double(lr.timeUs - t0) / 1000.0, 'f', 2),
                                              s == m_linked.first() ? tr("the CALL") : TrafficModel::linkKindName(lr.link)});
            item->setData(0, Qt::UserRole, QVariant::fromValue(s));
            if (s == seq)
                m_linkedView->setCurrentItem(item);
        }
        header += QStringLiteral("<br>")
                  + (rttUs >= 0 ? tr("Call round trip (CALL → final RESULT/ERROR): <b>%1 ms</b>.").arg(double(rttUs) / 1000.0, 0, 'f', 2)
                                : tr("No final RESULT/ERROR captured yet."))
                  + QStringLiteral(" ")
                  + tr("INVOCATION/YIELD appear only when the callee is also a connection of this window.");
    }
    m_detailHeader->setText(header);
}

QString TrafficLogPanel::detailJson() const
{
    return m_json->toPlainText();
}

QString TrafficLogPanel::detailHex() const
{
    return m_hex->toPlainText();
}

QString TrafficLogPanel::linkedSummary() const
{
    return m_detailHeader->text();
}

} // namespace wb::ui

namespace wb::ui {

void TrafficLogPanel::setTypeFilter(int typeCode)
{
    m_typeFilter->setCurrentIndex(qMax(0, m_typeFilter->findData(typeCode)));
}

void TrafficLogPanel::setTextFilter(const QString &text)
{
    m_textFilter->setText(text);
}

void TrafficLogPanel::setConnectionFilter(int connection)
{
    int idx = 0;
    if (connection >= 0) {
        const quint32 source = m_store->connectionSource(capture::ConnectionId(connection));
        if (m_sourceEntries.contains(source))
            idx = qMax(0, m_connectionFilter->findData(int(m_sourceEntries.value(source).first)));
    }
    m_connectionFilter->setCurrentIndex(idx);
    // the entry's connection may be a later one of the same source: filter by the given one (same source)
    if (connection >= 0)
        m_filter->setConnectionFilter(connection);
    updateViewModel();
}

void TrafficLogPanel::setFlaggedOnly(bool on)
{
    m_flaggedOnly->setChecked(on);
}

} // namespace wb::ui
