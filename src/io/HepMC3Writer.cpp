#include "kaonlab/io/HepMC3Writer.hpp"

#include <HepMC3/Attribute.h>
#include <HepMC3/GenEvent.h>
#include <HepMC3/GenParticle.h>
#include <HepMC3/GenRunInfo.h>
#include <HepMC3/GenVertex.h>
#include <HepMC3/ReaderAscii.h>
#include <HepMC3/ReaderAsciiHepMC2.h>
#include <HepMC3/Units.h>
#include <HepMC3/WriterAscii.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "kaonlab/core/Units.hpp"
#include "kaonlab/io/AtomicFile.hpp"

namespace kaonlab::io {

namespace fs = std::filesystem;
using generator::TruthEvent;
using generator::TruthParticle;

namespace {

constexpr int kStatusFinal = 1;
constexpr int kStatusDecayed = 2;
constexpr int kStatusBeam = 4;
constexpr int kHepMCPrecision = 17;  // %.17e: 18 significant digits, doubles round-trip exactly

std::string quoted(const fs::path& p) {
  std::string s(1, '\'');  // built with += : "'" + string trips GCC 12's -Wrestrict false positive
  s += p.native();
  s += '\'';
  return s;
}

std::string errnoText() { return errno != 0 ? std::string(": ") + std::strerror(errno) : ""; }

HepMC3::FourVector momentum(const FourVector& p) { return {p.px, p.py, p.pz, p.e}; }
/// kaonlab (x, y, z in mm, t in ns) -> HepMC3 (x, y, z, c*t) all in mm.
HepMC3::FourVector position(const FourVector& x) {
  return {x.px, x.py, x.pz, x.e * constants::c_light};
}
FourVector fromMomentum(const HepMC3::FourVector& p) { return {p.px(), p.py(), p.pz(), p.e()}; }
FourVector fromPosition(const HepMC3::FourVector& x) {
  return {x.x(), x.y(), x.z(), x.t() / constants::c_light};
}

}  // namespace

// ---- writer -------------------------------------------------------------------------------

struct HepMC3Writer::Impl {
  // Destruction order matters: the HepMC3 writer (which flushes into `out` in its
  // destructor) goes first, then the stream, then the AtomicFile removes the temporary.
  AtomicFile file;
  std::ofstream out;
  std::shared_ptr<HepMC3::GenRunInfo> run;
  std::unique_ptr<HepMC3::WriterAscii> writer;
  std::vector<std::string> modeNames;
  std::size_t events = 0;
  bool closed = false;

  explicit Impl(fs::path p) : file(std::move(p)) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("HepMC3 output " + quoted(file.finalPath()) + ": " + what);
  }
};

HepMC3Writer::HepMC3Writer(fs::path path, std::string version, std::vector<std::string> modeNames)
    : impl_(std::make_unique<Impl>(std::move(path))) {
  Impl& m = *impl_;
  m.modeNames = std::move(modeNames);
  errno = 0;
  m.out.open(m.file.tempPath(), std::ios::out | std::ios::trunc | std::ios::binary);
  if (!m.out) m.fail("cannot create temporary file " + quoted(m.file.tempPath()) + errnoText());

  m.run = std::make_shared<HepMC3::GenRunInfo>();
  m.run->tools().push_back({"kaonlab", std::move(version), "kaonlab K+ decay generator"});
  m.run->set_weight_names({"default"});
  m.writer = std::make_unique<HepMC3::WriterAscii>(m.out, m.run);
  m.writer->set_precision(kHepMCPrecision);
  if (!m.out) m.fail("write error on " + quoted(m.file.tempPath()));
}

HepMC3Writer::~HepMC3Writer() = default;  // Impl's members clean up: temporary removed
HepMC3Writer::HepMC3Writer(HepMC3Writer&&) noexcept = default;
HepMC3Writer& HepMC3Writer::operator=(HepMC3Writer&&) noexcept = default;

const fs::path& HepMC3Writer::path() const { return impl_->file.finalPath(); }
std::size_t HepMC3Writer::eventsWritten() const { return impl_->events; }

void HepMC3Writer::write(const TruthEvent& ev) {
  Impl& m = *impl_;
  if (m.closed) m.fail("write() after close()");
  if (!m.writer) m.fail("write() after an earlier error");
  if (ev.nParticles > TruthEvent::kMaxParticles) m.fail("event has too many particles");

  HepMC3::GenEvent evt(HepMC3::Units::GEV, HepMC3::Units::MM);
  evt.set_run_info(m.run);
  if (ev.index <= static_cast<std::uint64_t>(INT_MAX)) {
    evt.set_event_number(static_cast<int>(ev.index));
  } else {  // HepMC3 event numbers are int: keep the full index in an attribute
    evt.set_event_number(static_cast<int>(ev.index % (static_cast<std::uint64_t>(INT_MAX) + 1)));
    evt.add_attribute("index", std::make_shared<HepMC3::StringAttribute>(std::to_string(ev.index)));
  }
  evt.weights() = {ev.weight};
  evt.add_attribute("mode", std::make_shared<HepMC3::IntAttribute>(ev.mode));
  const bool known = ev.mode >= 0 && static_cast<std::size_t>(ev.mode) < m.modeNames.size() &&
                     !m.modeNames[static_cast<std::size_t>(ev.mode)].empty();
  evt.add_attribute("mode_name", std::make_shared<HepMC3::StringAttribute>(
                                     known ? m.modeNames[static_cast<std::size_t>(ev.mode)]
                                           : std::string("unknown")));

  // Particles are added in record order so that their HepMC3 ids are 1 (beam), 2 (K+),
  // 3 + i (TruthEvent::particles[i]); the reader relies on file order only.
  auto beam = std::make_shared<HepMC3::GenParticle>(momentum(ev.beamMomentum), ev.beamPdgId, kStatusBeam);
  auto kaon = std::make_shared<HepMC3::GenParticle>(momentum(ev.beamMomentum), ev.beamPdgId, kStatusDecayed);
  evt.add_particle(beam);
  evt.add_particle(kaon);
  std::array<HepMC3::GenParticlePtr, TruthEvent::kMaxParticles> parts;
  for (std::size_t i = 0; i < ev.nParticles; ++i) {
    const TruthParticle& tp = ev.particles[i];
    parts[i] = std::make_shared<HepMC3::GenParticle>(momentum(tp.p), tp.pdgId, tp.status);
    evt.add_particle(parts[i]);
  }

  auto origin = std::make_shared<HepMC3::GenVertex>(position(ev.beamOrigin));
  evt.add_vertex(origin);
  origin->add_particle_in(beam);
  origin->add_particle_out(kaon);
  auto decay = std::make_shared<HepMC3::GenVertex>(position(ev.decayVertex));
  evt.add_vertex(decay);
  decay->add_particle_in(kaon);

  // Secondary decays (pi0 -> gamma gamma, ...) happen at the K+ decay position: the
  // truth record has no separate vertex for them.
  std::array<HepMC3::GenVertexPtr, TruthEvent::kMaxParticles> ends;
  for (std::size_t i = 0; i < ev.nParticles; ++i) {
    const int parent = ev.particles[i].parent;
    if (parent < 0) {
      decay->add_particle_out(parts[i]);
      continue;
    }
    const auto pi = static_cast<std::size_t>(parent);
    if (pi >= ev.nParticles || pi == i)
      m.fail("event " + std::to_string(ev.index) + ": particle " + std::to_string(i) +
             " has invalid parent index " + std::to_string(parent));
    if (!ends[pi]) {
      ends[pi] = std::make_shared<HepMC3::GenVertex>(position(ev.decayVertex));
      evt.add_vertex(ends[pi]);
      ends[pi]->add_particle_in(parts[pi]);
    }
    ends[pi]->add_particle_out(parts[i]);
  }

  m.writer->write_event(evt);
  if (!m.out) m.fail("write error on " + quoted(m.file.tempPath()) + " (disk full?)");
  ++m.events;
}

void HepMC3Writer::close() {
  Impl& m = *impl_;
  if (m.closed) return;
  if (!m.writer) m.fail("close() after an earlier error: file not written");
  if (!m.out) m.fail("close() after a write error: file not written");
  m.writer->close();  // writes the end-of-listing line
  m.writer.reset();
  if (m.out.is_open()) m.out.close();
  if (m.out.fail()) m.fail("write error on " + quoted(m.file.tempPath()) + " (disk full?)");
  m.file.commit();
  m.closed = true;
}

// ---- reader -------------------------------------------------------------------------------

namespace {

bool isKaon(int pdg) { return pdg == 321 || pdg == -321; }

/// A kaon "decays" when it has an end vertex whose products are not a kaon again (a
/// beam K+ -> origin vertex -> K+ chain is transport, not a decay).
bool decays(const HepMC3::ConstGenParticlePtr& p) {
  const auto v = p->end_vertex();
  if (!v || v->particles_out().empty()) return false;
  for (const auto& d : v->particles_out())
    if (isKaon(d->pid())) return false;
  return true;
}

TruthEvent convert(const HepMC3::GenEvent& evt, const fs::path& path) {
  const auto where = [&] {
    return "HepMC3 input " + quoted(path) + ": event " + std::to_string(evt.event_number()) + ": ";
  };
  TruthEvent ev;
  ev.index = static_cast<std::uint64_t>(static_cast<unsigned>(evt.event_number()));
  if (auto a = evt.attribute<HepMC3::StringAttribute>("index")) {
    try {
      ev.index = std::stoull(a->value());
    } catch (const std::exception&) {
      throw std::runtime_error(where() + "bad 'index' attribute '" + a->value() + "'");
    }
  }
  if (auto a = evt.attribute<HepMC3::IntAttribute>("mode")) ev.mode = a->value();
  ev.weight = evt.weights().empty() ? 1.0 : evt.weights().front();

  HepMC3::ConstGenParticlePtr kaon;
  for (const auto& p : evt.particles())
    if (isKaon(p->pid()) && decays(p)) {
      kaon = p;
      break;
    }
  if (!kaon) throw std::runtime_error(where() + "no decaying K+ or K- (|pdg| = 321)");

  ev.beamPdgId = kaon->pid();
  ev.beamMomentum = fromMomentum(kaon->momentum());
  const auto decayV = kaon->end_vertex();
  ev.decayVertex = fromPosition(decayV->data().position);  // as stored: no ancestor look-up
  if (const auto prod = kaon->production_vertex()) ev.beamOrigin = fromPosition(prod->data().position);

  // All descendants of the kaon, then put back in file (id) order.
  std::vector<HepMC3::ConstGenParticlePtr> found;
  std::vector<HepMC3::ConstGenVertexPtr> todo{decayV};
  std::vector<HepMC3::ConstGenVertexPtr> seen;
  while (!todo.empty()) {
    const auto v = todo.back();
    todo.pop_back();
    if (std::find(seen.begin(), seen.end(), v) != seen.end()) continue;
    seen.push_back(v);
    for (const auto& d : v->particles_out()) {
      if (std::find(found.begin(), found.end(), d) != found.end()) continue;
      found.push_back(d);
      if (d->end_vertex()) todo.push_back(d->end_vertex());
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a->id() < b->id(); });
  if (found.size() > TruthEvent::kMaxParticles)
    throw std::runtime_error(where() + std::to_string(found.size()) +
                             " kaon decay products, more than the " +
                             std::to_string(TruthEvent::kMaxParticles) + " a TruthEvent holds");

  std::unordered_map<const HepMC3::GenParticle*, int> indexOf;
  for (std::size_t i = 0; i < found.size(); ++i) indexOf[found[i].get()] = static_cast<int>(i);
  for (const auto& d : found) {
    TruthParticle tp;
    tp.pdgId = d->pid();
    tp.p = fromMomentum(d->momentum());
    tp.parent = -1;
    if (const auto pv = d->production_vertex(); pv && pv != decayV)
      for (const auto& m : pv->particles_in())
        if (auto it = indexOf.find(m.get()); it != indexOf.end()) {
          tp.parent = it->second;
          break;
        }
    const int st = d->status();
    tp.status = (st == kStatusFinal || st == kStatusDecayed) ? st
                : d->end_vertex()                            ? kStatusDecayed
                                                             : kStatusFinal;
    ev.add(tp);
  }
  return ev;
}

/// HepMC2 (IO_GenEvent) or HepMC3 (Asciiv3) text, from the header lines.
bool isHepMC2(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  for (int i = 0; i < 20 && std::getline(in, line); ++i) {
    if (line.rfind("HepMC::IO_GenEvent-START_EVENT_LISTING", 0) == 0) return true;
    if (line.rfind("HepMC::Asciiv3-START_EVENT_LISTING", 0) == 0) return false;
  }
  return false;
}

}  // namespace

std::size_t readHepMC3(const fs::path& path,
                       const std::function<void(const TruthEvent&)>& callback) {
  const std::string prefix = "HepMC3 input " + quoted(path) + ": ";
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw std::runtime_error(prefix + "no such file");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(prefix + "cannot open" + errnoText());

  std::unique_ptr<HepMC3::Reader> reader;
  if (isHepMC2(path))
    reader = std::make_unique<HepMC3::ReaderAsciiHepMC2>(in);
  else
    reader = std::make_unique<HepMC3::ReaderAscii>(in);

  std::size_t n = 0;
  for (;;) {
    HepMC3::GenEvent evt;
    bool ok = false;
    try {
      ok = reader->read_event(evt);
    } catch (const std::exception& e) {
      throw std::runtime_error(prefix + "parse error after " + std::to_string(n) + " events: " + e.what());
    }
    if (in.bad() || (!ok && !in.eof()))
      throw std::runtime_error(prefix + "parse error after " + std::to_string(n) + " events");
    if (!ok) break;
    if (evt.particles().empty()) {
      if (in.eof() || in.fail()) break;  // end of file reached
      continue;
    }
    evt.set_units(HepMC3::Units::GEV, HepMC3::Units::MM);
    callback(convert(evt, path));
    ++n;
    if (in.eof()) break;
  }
  return n;
}

}  // namespace kaonlab::io
