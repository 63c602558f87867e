#pragma once
// [detector.*] and [reco] tables of a run card (private to the app library).
#include "CardTable.hpp"
#include "kaonlab/detector/DetectorConfig.hpp"
#include "kaonlab/reco/Reconstruction.hpp"

namespace kaonlab::app {
void readDetectorTables(CardTable& top, detector::DetectorConfig& detector, reco::Reconstruction::Config& reco);
}  // namespace kaonlab::app
