#pragma once
// Generator-level events as HepMC3 ASCII (Asciiv3) files, and back.
// Conventions (docs/io.md): units GeV and mm, vertex time stored as c*t in mm;
// per event: beam K+ (status 4) -> origin vertex at TruthEvent::beamOrigin -> K+ (status 2)
// -> decay vertex at TruthEvent::decayVertex -> decay products (status 1, or 2 with their
// own decay vertex at the same position, e.g. pi0 -> gamma gamma). One weight "default";
// event attributes "mode" (int) and "mode_name" (string). Run info: tool "kaonlab".
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kaonlab/generator/Event.hpp"

namespace kaonlab::io {

class HepMC3Writer {
 public:
  /// Opens a temporary file next to `path`; the file appears under `path` only at
  /// close(). `modeNames[mode]` becomes the "mode_name" attribute of each event.
  /// Throws std::runtime_error naming `path` when the file cannot be created.
  HepMC3Writer(std::filesystem::path path, std::string version,
               std::vector<std::string> modeNames);
  /// Without close() (e.g. during stack unwinding) the temporary file is removed and
  /// nothing is left at `path`.
  ~HepMC3Writer();
  HepMC3Writer(const HepMC3Writer&) = delete;
  HepMC3Writer& operator=(const HepMC3Writer&) = delete;
  HepMC3Writer(HepMC3Writer&&) noexcept;
  HepMC3Writer& operator=(HepMC3Writer&&) noexcept;

  /// Appends one event (event number = ev.index). Throws std::runtime_error naming
  /// the file on a write error or an inconsistent parent index.
  void write(const generator::TruthEvent& ev);
  /// Writes the end-of-listing line, closes and renames the file into place.
  /// Throws std::runtime_error naming the file on failure (nothing is left then).
  void close();

  const std::filesystem::path& path() const;
  std::size_t eventsWritten() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Reads a HepMC3 ASCII file (kaonlab's own or another generator's; any units) and
/// calls `callback` once per event. Mapping: the kaon is the first particle with
/// |pdg| = 321 that decays (has an end vertex with no kaon among its products);
/// beamMomentum = its momentum, decayVertex = its end vertex, beamOrigin = its
/// production vertex position (positions as stored in the file: 0 when it gives
/// none, no look-up of ancestors); particles = all descendants in
/// file order, parent = index of the parent among them (-1 = the kaon); status is kept
/// when 1 or 2, otherwise 2 when the particle decays and 1 when not. weight = first
/// event weight (1 if none), mode = attribute "mode" (-1 if none), index = event number.
/// Returns the number of events read. Throws std::runtime_error naming the file (and
/// the event) when it cannot be opened or parsed, an event has no decaying kaon, or
/// more than TruthEvent::kMaxParticles decay products.
std::size_t readHepMC3(const std::filesystem::path& path,
                       const std::function<void(const generator::TruthEvent&)>& callback);

}  // namespace kaonlab::io
