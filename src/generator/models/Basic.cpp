#include "kaonlab/generator/models/Basic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kaonlab/core/ParticleData.hpp"

namespace kaonlab::generator {

using constants::two_pi;

namespace {
std::string modeString(std::span<const int> ids) {
  std::string s = "K+ ->";
  for (int id : ids) {
    s.push_back(' ');
    s.append(particleName(id));
  }
  return s;
}
int checkedLepton(int pdgId) {
  if (pdgId != pdg::kElectron && pdgId != pdg::kMuon)
    throw std::invalid_argument("lepton PDG id must be 11 (e) or 13 (mu)");
  return pdgId;
}
}  // namespace

// ---------------------------------------------------------------------------------------
// Two-body decays: isotropic in the K rest frame, fixed momentum (kaon-physics.md 2.1).
TwoBodyDecay::TwoBodyDecay(int pdg1, int pdg2) : ids_{pdg1, pdg2} {
  const double mK = mass(pdg::kKPlus), m1 = mass(pdg1), m2 = mass(pdg2);
  if (mK <= m1 + m2) throw std::invalid_argument("TwoBodyDecay: below threshold");
  p_ = twoBodyMomentum(mK, m1, m2);
  e1_ = std::sqrt(p_ * p_ + m1 * m1);
  e2_ = std::sqrt(p_ * p_ + m2 * m2);
}

void TwoBodyDecay::generate(RandomStream& rng, DecayProducts& out) const {
  const Vector3 v = rng.isotropic() * p_;
  out.clear();
  out.push(ids_[0], FourVector(v, e1_));
  out.push(ids_[1], FourVector(-v, e2_));
}

std::string TwoBodyDecay::description() const {
  return fmt::format("{}: two-body, isotropic, p* = {:.3f} MeV/c", modeString(ids_), p_ / units::MeV);
}

// ---------------------------------------------------------------------------------------
// K -> 3 pi: |M|^2 = 1 + g u + h u^2 + k v^2 (PDG; kaon-physics.md 2.3). Products ordered
// (even, even, odd) so that s3 = m12^2, s1 = m23^2, s2 = m13^2.
K3piDecay::K3piDecay(const Config& cfg)
    : cfg_(cfg),
      ids_(cfg.neutral ? std::array<int, 3>{pdg::kPi0, pdg::kPi0, pdg::kPiPlus}
                       : std::array<int, 3>{pdg::kPiPlus, pdg::kPiPlus, -pdg::kPiPlus}),
      dalitz_(mass(pdg::kKPlus), mass(ids_[0]), mass(ids_[1]), mass(ids_[2])) {
  const double mK = mass(pdg::kKPlus);
  s0_ = (mK * mK + 2 * mass(ids_[0]) * mass(ids_[0]) + mass(ids_[2]) * mass(ids_[2])) / 3.0;
  mpi2_ = mass(pdg::kPiPlus) * mass(pdg::kPiPlus);
  envelope_ = std::make_unique<DalitzEnvelope>(dalitz_, [this](const ThreeBodyDalitz::Point& pt) {
    const auto [u, v] = this->uv(pt);
    return matrixElement2(u, v);
  });
}

std::pair<double, double> K3piDecay::uv(const ThreeBodyDalitz::Point& pt) const {
  return {(pt.m12sq - s0_) / mpi2_, (pt.m13sq - pt.m23sq) / mpi2_};
}

double K3piDecay::matrixElement2(double u, double v) const {
  return 1.0 + cfg_.g * u + cfg_.h * u * u + cfg_.k * v * v;
}

void K3piDecay::generate(RandomStream& rng, DecayProducts& out) const {
  const ThreeBodyDalitz::Point pt = envelope_->sample(rng, [this](const ThreeBodyDalitz::Point& q) {
    const auto [u, v] = uv(q);
    return matrixElement2(u, v);
  });
  emitThreeBody(dalitz_, pt, ids_, rng, out);
}

std::string K3piDecay::description() const {
  return fmt::format("{}: Dalitz |M|^2 = 1 + g u + h u^2 + k v^2, g = {}, h = {}, k = {} (PDG)",
                     modeString(ids_), cfg_.g, cfg_.h, cfg_.k);
}

// ---------------------------------------------------------------------------------------
// K_l3 Dalitz density rho = f+^2 (A + B xi + C xi^2) (PDG review "K_l3 form factors";
// kaon-physics.md 2.2). Products ordered (pi0, l+, nu): E_pi = e1, E_l = e2.
Kl3Decay::Kl3Decay(const Config& cfg)
    : cfg_(cfg),
      ids_{pdg::kPi0, -cfg.leptonPdg, cfg.leptonPdg + 1},
      dalitz_(mass(pdg::kKPlus), mass(pdg::kPi0), mass(checkedLepton(cfg.leptonPdg)), 0.0) {
  ml_ = mass(cfg.leptonPdg);
  mK_ = mass(pdg::kKPlus);
  mpi_ = mass(pdg::kPi0);
  envelope_ = std::make_unique<DalitzEnvelope>(
      dalitz_, [this](const ThreeBodyDalitz::Point& pt) { return density(pt.e1, pt.e2); });
}

double Kl3Decay::density(double ePi, double eL) const {
  const double mpip2 = mass(pdg::kPiPlus) * mass(pdg::kPiPlus);
  const double eNu = mK_ - ePi - eL;
  const double ePiMax = (mK_ * mK_ + mpi_ * mpi_ - ml_ * ml_) / (2.0 * mK_);
  const double ePiPrime = ePiMax - ePi;
  const double t = mK_ * mK_ + mpi_ * mpi_ - 2.0 * mK_ * ePi;
  const double tau = t / mpip2;
  const double fPlus = 1.0 + cfg_.lambdaPlus1 * tau + 0.5 * cfg_.lambdaPlus2 * tau * tau;
  const double f0 = 1.0 + cfg_.lambda0 * tau;
  const double xi = (mK_ * mK_ - mpi_ * mpi_) / t * (f0 / fPlus - 1.0);
  const double ml2 = ml_ * ml_;
  const double A = mK_ * (2.0 * eL * eNu - mK_ * ePiPrime) + ml2 * (0.25 * ePiPrime - eNu);
  const double B = ml2 * (eNu - 0.5 * ePiPrime);
  const double C = 0.25 * ml2 * ePiPrime;
  return std::max(0.0, fPlus * fPlus * (A + B * xi + C * xi * xi));
}

double Kl3Decay::integratedDensity(int grid) const {
  // Simpson in m12^2 (pi l) and m23^2 (l nu); rho dE_pi dE_l ~ rho dm12^2 dm23^2.
  const int n = grid + (grid % 2);
  const double a = dalitz_.m12sqMin(), b = dalitz_.m12sqMax(), h = (b - a) / n;
  double sum = 0;
  for (int i = 0; i <= n; ++i) {
    const double m12 = a + i * h;
    const auto [lo, hi] = dalitz_.m23Range(m12);
    const double k = (hi - lo) / n;
    double inner = 0;
    for (int j = 0; j <= n; ++j) {
      const double m23 = lo + j * k;
      const double ePi = (mK_ * mK_ + mpi_ * mpi_ - m23) / (2.0 * mK_);
      const double m13 = mK_ * mK_ + mpi_ * mpi_ + ml_ * ml_ - m12 - m23;
      const double eL = (mK_ * mK_ + ml_ * ml_ - m13) / (2.0 * mK_);
      inner += density(ePi, eL) * ((j == 0 || j == n) ? 1.0 : (j % 2 ? 4.0 : 2.0));
    }
    sum += inner * k / 3.0 * ((i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0));
  }
  return sum * h / 3.0;
}

void Kl3Decay::generate(RandomStream& rng, DecayProducts& out) const {
  const ThreeBodyDalitz::Point pt =
      envelope_->sample(rng, [this](const ThreeBodyDalitz::Point& q) { return density(q.e1, q.e2); });
  emitThreeBody(dalitz_, pt, ids_, rng, out);
}

std::string Kl3Decay::description() const {
  return fmt::format("{}: K_l3 Dalitz density, quadratic f+ (lambda'+ = {}, lambda''+ = {}), linear f0 "
                     "(lambda0 = {}) (PDG K_l3 review)",
                     modeString(ids_), cfg_.lambdaPlus1, cfg_.lambdaPlus2, cfg_.lambda0);
}

// ---------------------------------------------------------------------------------------
// K+ -> pi+ nu nubar: dGamma/dq^2 ~ lambda^{3/2} f+^2 (kaon-physics.md 2.4). The nu nubar
// pair from the vector current: in the pair rest frame the neutrino angle to the pair
// flight axis follows sin^2(theta) (the massless limit of 1 - beta^2 cos^2, section 3.2).
PiNuNuDecay::PiNuNuDecay(const Config& cfg) : cfg_(cfg), ids_{pdg::kPiPlus, pdg::kNuE, -pdg::kNuE} {
  mK_ = mass(pdg::kKPlus);
  mpi_ = mass(pdg::kPiPlus);
  q2Max_ = (mK_ - mpi_) * (mK_ - mpi_);
  ar_ = AcceptReject(scanMaximum([this](RandomStream& r) { return spectrumQ2(r.uniform() * q2Max_); }, 100000, 0.05));
}

double PiNuNuDecay::spectrumQ2(double q2) const {
  if (q2 < 0 || q2 > q2Max_) return 0.0;
  const double l = std::max(0.0, kallen(mK_ * mK_, mpi_ * mpi_, q2));
  const double tau = q2 / (mpi_ * mpi_);
  const double f = 1.0 + cfg_.lambdaPlus1 * tau + 0.5 * cfg_.lambdaPlus2 * tau * tau;
  return l * std::sqrt(l) * f * f;
}

double PiNuNuDecay::pionMomentum(double q2) const {
  return std::sqrt(std::max(0.0, kallen(mK_ * mK_, mpi_ * mpi_, q2))) / (2.0 * mK_);
}

void PiNuNuDecay::generate(RandomStream& rng, DecayProducts& out) const {
  double q2;
  do {
    q2 = rng.uniform() * q2Max_;
  } while (!ar_.accept(spectrumQ2(q2), rng));
  const double p = pionMomentum(q2);
  const Vector3 n = rng.isotropic();
  const FourVector pi = FourVector::fromMass(n * p, mpi_);
  const FourVector pair(-(n * p), mK_ - pi.e);
  // neutrino direction in the pair frame: density sin^2(theta) about the pair axis
  double c;
  do {
    c = rng.uniform(-1.0, 1.0);
  } while (rng.uniform() > 1.0 - c * c);
  const double s = std::sqrt(1.0 - c * c), phi = two_pi * rng.uniform();
  const Vector3 dir = rotateFromFrame({s * std::cos(phi), s * std::sin(phi), c}, -n, 0.0);
  const double half = 0.5 * std::sqrt(q2);
  const Vector3 b = pair.beta();
  out.clear();
  out.push(ids_[0], pi);
  out.push(ids_[1], FourVector(dir * half, half).boosted(b));
  out.push(ids_[2], FourVector(-(dir * half), half).boosted(b));
}

std::string PiNuNuDecay::description() const {
  return fmt::format("K+ -> pi+ nu nubar: dGamma/dq2 ~ lambda^3/2 f+^2, lambda'+ = {}, lambda''+ = {} "
                     "(NA62MC kch2pinunu)",
                     cfg_.lambdaPlus1, cfg_.lambdaPlus2);
}

// ---------------------------------------------------------------------------------------
// Uniform phase space: LFV/LNV modes (kaon-physics.md section 5: experiments assume none).
FlatPhaseSpaceDecay::FlatPhaseSpaceDecay(std::vector<int> daughters) : ids_(std::move(daughters)) {
  if (ids_.size() < 2 || ids_.size() > 6) throw std::invalid_argument("FlatPhaseSpaceDecay: 2..6 bodies");
  for (int id : ids_) masses_.push_back(mass(id));
  const double mK = mass(pdg::kKPlus);
  if (ids_.size() == 3) {
    dalitz_ = std::make_unique<ThreeBodyDalitz>(mK, masses_[0], masses_[1], masses_[2]);
  } else if (ids_.size() > 3) {
    genbod_ = std::make_unique<Genbod>(mK, masses_);
    ar_ = AcceptReject(scanMaximum([this](RandomStream& r) {
      std::array<FourVector, Genbod::kMaxBodies> tmp;
      return genbod_->generate(r, std::span<FourVector>(tmp.data(), ids_.size()));
    }, 200000, 0.10));
  }
}

void FlatPhaseSpaceDecay::generate(RandomStream& rng, DecayProducts& out) const {
  out.clear();
  const double mK = mass(pdg::kKPlus);
  if (ids_.size() == 2) {
    FourVector a, b;
    twoBody(mK, masses_[0], masses_[1], rng, a, b);
    out.push(ids_[0], a);
    out.push(ids_[1], b);
  } else if (dalitz_) {
    const auto pt = dalitz_->samplePoint(rng);
    FourVector a, b, c;
    dalitz_->momenta(pt, rng, a, b, c);
    out.push(ids_[0], a);
    out.push(ids_[1], b);
    out.push(ids_[2], c);
  } else {
    std::array<FourVector, Genbod::kMaxBodies> p;
    const std::span<FourVector> s(p.data(), ids_.size());
    while (!ar_.accept(genbod_->generate(rng, s), rng)) {
    }
    for (std::size_t i = 0; i < ids_.size(); ++i) out.push(ids_[i], p[i]);
  }
}

std::string FlatPhaseSpaceDecay::description() const {
  return modeString(ids_) + ": uniform phase space (no matrix element; NA62MC kch3body)";
}

}  // namespace kaonlab::generator
