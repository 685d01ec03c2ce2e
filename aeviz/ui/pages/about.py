"""A short plain-language page: the story the app tells."""
import streamlit as st

TEXT = """
### Autoencoder
An **autoencoder** squeezes an image through a narrow **bottleneck** and rebuilds it:
encoder → code *z* → decoder. It learns by comparing the rebuilt image with the original
(a *reconstruction loss*: cross-entropy, MSE or L1). Too small a bottleneck loses information;
too large a one just copies. Here the bottleneck has **2 numbers**, so every image becomes a point
on a plane: the **latent space**.

**Uses:** dimensionality reduction, generating new data, denoising, anomaly detection
(an input unlike the training data reconstructs badly).
**Kinds:** undercomplete, sparse, contractive, denoising, variational.

### AE and PCA
PCA finds the flat subspace that keeps the most information. An autoencoder *without activations*
(the *linear AE* of the Training studio) finds the same subspace; the activations are what let a
real autoencoder bend its map to the data.

### Why a plain AE's map has holes
Nothing asks the AE to use its plane sensibly. Points close together can decode to very different
images (no **continuity**), and large regions decode to nothing meaningful (no **completeness**).

### The variational autoencoder (VAE)
A VAE encodes each image as a *distribution*: a mean μ and a log-variance log σ².
It trains on a sample **z = μ + σ·ε**, ε ~ N(0, I) (the *reparameterisation trick*, so gradients
flow through μ and σ), and adds a **KL term** that pulls every code towards N(0, I):

loss = reconstruction (binary cross-entropy, summed over pixels) + β · KL( N(μ, σ²) ‖ N(0, I) )

The KL term packs the codes around the origin and fills the gaps, so the plane becomes continuous
and complete: any point near the origin decodes to something that looks like data.
"""


def page() -> None:
    st.title("What is an autoencoder?")
    st.markdown(TEXT)
