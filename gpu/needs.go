package gpu

import "fmt"

// Needs is what a kernel requires of a device: what its SPIR-V shows (Module: workgroup size,
// shared memory, push constants, subgroup operations) and what only its author knows, declared
// in the KernelSpec: the range of subgroup sizes its algorithm is correct for, and whether it
// relies on every invocation of a subgroup being active (then the pipeline requires full subgroups).
type Needs struct {
	Module
	// MinSubgroup and MaxSubgroup bound gl_SubgroupSize (0: no bound).
	MinSubgroup, MaxSubgroup int
	// FullSubgroups: every subgroup must have all its invocations active, which Vulkan guarantees
	// only for pipelines created with REQUIRE_FULL_SUBGROUPS (Vulkan 1.3's computeFullSubgroups).
	FullSubgroups bool
}

// shaderStageCompute is VK_SHADER_STAGE_COMPUTE_BIT.
const shaderStageCompute = 0x20

// SubgroupSizes returns the values gl_SubgroupSize may take in a kernel of SPIR-V version v on
// this device. Below SPIR-V 1.6, and without the ALLOW_VARYING_SUBGROUP_SIZE flag (never set
// here), Vulkan fixes it to SubgroupSize; from 1.6 on it may be anything in [Min, MaxSubgroupSize].
func (i Info) SubgroupSizes(v [2]int) (lo, hi int) {
	if v[0] > 1 || v[0] == 1 && v[1] >= 6 {
		lo, hi = i.MinSubgroupSize, i.MaxSubgroupSize
		if lo == 0 || hi == 0 {
			return 1, 128 // unknown: the spec's bounds
		}
		return lo, hi
	}
	return i.SubgroupSize, i.SubgroupSize
}

// Check returns nil when the device meets n, else an error naming the device, the limit and what
// the kernel needs (the caller adds the kernel's name).
func (i Info) Check(n Needs) error {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("device %q: %s", i.Name, fmt.Sprintf(format, a...))
	}
	ls := n.LocalSize
	for d := 0; d < 3; d++ {
		if ls[d] > i.MaxWorkgroupSize[d] {
			return fail("maxComputeWorkGroupSize[%d] is %d, the kernel's workgroup is %v", d, i.MaxWorkgroupSize[d], ls)
		}
	}
	if inv := n.Invocations(); inv > i.MaxWorkgroupInvocations {
		return fail("maxComputeWorkGroupInvocations is %d, the kernel's workgroup has %d", i.MaxWorkgroupInvocations, inv)
	}
	if n.SharedBytes > i.MaxSharedMemory {
		return fail("maxComputeSharedMemorySize is %d bytes, the kernel declares %d", i.MaxSharedMemory, n.SharedBytes)
	}
	if ps := n.PushSize(); ps > i.MaxPushConstantsSize {
		return fail("maxPushConstantsSize is %d bytes, the kernel's push constants take %d", i.MaxPushConstantsSize, ps)
	}
	if n.SubgroupOps != 0 {
		if i.SubgroupStages&shaderStageCompute == 0 {
			return fail("no subgroup operations in compute shaders, the kernel uses %s", SubgroupOpNames(n.SubgroupOps))
		}
		if miss := n.SubgroupOps &^ i.SubgroupOps; miss != 0 {
			return fail("subgroup operations %s are not supported, the kernel uses them", SubgroupOpNames(miss))
		}
	}
	lo, hi := i.SubgroupSizes(n.Version)
	if n.MinSubgroup > 0 && lo < n.MinSubgroup {
		return fail("subgroup size %s, the kernel needs at least %d", sizeRange(lo, hi), n.MinSubgroup)
	}
	if n.MaxSubgroup > 0 && hi > n.MaxSubgroup {
		return fail("subgroup size %s, the kernel needs at most %d", sizeRange(lo, hi), n.MaxSubgroup)
	}
	if n.FullSubgroups {
		if !i.FullSubgroups {
			return fail("cannot require full subgroups (no Vulkan 1.3 computeFullSubgroups), the kernel shares values across all lanes of a subgroup")
		}
		// VUID-VkPipelineShaderStageCreateInfo-flags-02758/02759: the workgroup's x size must be a
		// multiple of every subgroup size the kernel may get.
		if ls[0]%hi != 0 {
			return fail("subgroup size %s does not divide the kernel's workgroup width %d, as full subgroups need", sizeRange(lo, hi), ls[0])
		}
	}
	return nil
}

func sizeRange(lo, hi int) string {
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d..%d", lo, hi)
}

// SubgroupOpNames spells VkSubgroupFeatureFlags, e.g. "basic+ballot".
func SubgroupOpNames(ops uint32) string {
	names := []string{"basic", "vote", "arithmetic", "ballot", "shuffle", "shuffle_relative", "clustered", "quad"}
	s := ""
	for b, n := range names {
		if ops&(1<<b) != 0 {
			if s != "" {
				s += "+"
			}
			s += n
		}
	}
	if s == "" {
		return "none"
	}
	return s
}
